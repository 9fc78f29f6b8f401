"""Helpers every app may use, importing no app of parindex: the active language, numbers and
charts for people, the client's address, and the exception that sends a visitor to the login
page. The lowest layer of the Django side (docs/architecture.md, "Layers")."""
