"""backprop-tutor: learn backpropagation by working it out by hand."""

__version__ = "0.1.0"
