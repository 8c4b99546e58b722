"""Drawing computation graphs as text: layout and box-drawing, independent of Textual."""

from .canvas import Drawing, NodeBox, Picture, draw
from .layout import Layout, crossings, layer_graph

__all__ = ["Drawing", "Layout", "NodeBox", "Picture", "crossings", "draw", "layer_graph"]
