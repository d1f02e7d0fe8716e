"""treatypress: Markdown and BibTeX in, a typeset PDF booklet, an EPUB and a web edition out."""

__version__ = "0.1.0"
