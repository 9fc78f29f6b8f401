"""parindex: run a Public Administration Reform Index (Chỉ số cải cách hành chính)."""

__version__ = "0.1.0"
