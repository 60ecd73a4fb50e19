"""Finding INTERLINKERs: catalogue reads (INTERLINKERs, problem profiles, schemas), full-text
search with facets, and ranked, explained recommendations (the ranking model, the statistics it
reads, the cache of answers and the warmer that precomputes every task's default answer)."""
