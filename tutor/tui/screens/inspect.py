"""F7, or a click on a node: one node in full, as far as the learner already knows it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...exercise.shown import visible
from ...session.given import node_details
from ..actions import bindings
from ..widgets.keys_footer import KeysFooter


class InspectScreen(ModalScreen[None]):
    """A list of the nodes; the highlighted one's expression, shape, value and gradient beside it."""

    BINDINGS = bindings("close-inspect")

    def __init__(self, session, name: str, **kwargs):
        super().__init__(**kwargs)
        self.session = session
        self.names = session.solution.graph.names
        self.first = name if name in self.names else self.names[0]

    def compose(self) -> ComposeResult:
        with Horizontal(id="inspect-panel"):
            yield OptionList(*(Option(Text(visible(name)), id=name) for name in self.names), id="inspect-nodes")
            with VerticalScroll(id="inspect-scroll"):
                yield Static(id="inspect-details", markup=False)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        nodes = self.query_one("#inspect-nodes", OptionList)
        nodes.highlighted = self.names.index(self.first)
        nodes.focus()
        self.show_node(self.first)

    @on(OptionList.OptionHighlighted, "#inspect-nodes")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:  # every option has its node's name as id
            self.show_node(event.option.id)

    def show_node(self, name: str) -> None:
        # a convolution's map is flowed to the panel's width (longer lines scroll sideways)
        width = max(self.query_one("#inspect-scroll").size.width - 2, 40)
        self.query_one("#inspect-details", Static).update(Text(node_details(self.session, name, width), no_wrap=True))
