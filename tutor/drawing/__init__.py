"""Drawing computation graphs as text: layout and box-drawing, independent of Textual."""

from .canvas import COMPACT, DENSE, ROOMY, Density, Drawing, NodeBox, Picture, draw
from .layout import Layout, crossings, layer_graph

__all__ = [
    "COMPACT",
    "DENSE",
    "ROOMY",
    "Density",
    "Drawing",
    "Layout",
    "NodeBox",
    "Picture",
    "crossings",
    "draw",
    "layer_graph",
]
