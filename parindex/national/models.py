"""Models of the national app."""
