"""The public SPARQL 1.1 endpoint: query analysis, isolated execution, the service description.

Public queries never run in the serving process: they run in worker processes
(:mod:`.pool`) over a snapshot of the published graphs, so a runaway query can be stopped by
ending its process, and a crash in the engine cannot take the server down. The
recommendation and search services query the store directly with their own named queries and
never go through here.
"""
