"""formkit: the complaints procedure of STAP Brabant around Excel, Word and PDF files."""

__version__ = "0.1.0"
