"""Pages for people, one module per part of the product; routes call them for browsers."""
