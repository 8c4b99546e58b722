"""Textual's Footer, composed again only when the keys it would show change."""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual asks the Footer to compose again at every focus change, screen change and idle binding check
    (often three times in a row), and each time it mounts and styles every key anew: most of a screen's start-up.
    The keys depend only on the screen's active bindings, so an unchanged set keeps the keys already shown."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.composed_for: tuple | None = None

    def shown_bindings(self) -> tuple:
        """What compose reads: each active binding, whether it is enabled, its tooltip and how its key is shown,
        and whether the palette's key is shown at all."""
        keys = tuple(
            (binding, enabled, tooltip, self.app.get_key_display(binding))
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
        )
        return (self.show_command_palette, *keys)

    async def recompose(self) -> None:
        if self.is_attached:
            shown = self.shown_bindings()
            if shown == self.composed_for:
                return
            self.composed_for = shown
        await super().recompose()
