"""Publishing: what harvesters and Linked Data clients read. The application profiles (DCAT-AP 3,
DCAT-AP 2.1.1, ADMS-AP, and the SKOS view of co-production schemas), paged catalogue documents
with Hydra links, and the VoID description."""
