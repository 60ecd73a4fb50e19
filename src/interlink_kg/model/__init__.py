"""Pure model code: IRI minting and plain data types. No I/O here."""
