"""Sprites of the table-top scenes: playing cards (`cards`) and cups of chips (`chips`)."""

from __future__ import annotations

from synrl.render.boards import RGB, Patch, Sprite, odd, sprite_factory

CARD_FACE = (252, 252, 250)
CARD_EDGE = (95, 95, 100)
CARD_BACK = (30, 45, 115)
CARD_BACK_LINE = (115, 130, 190)
BLACK_SUIT = (25, 25, 35)
RED_SUIT = (200, 30, 45)

HALO_GAP = 3

SUIT_SYMBOLS = {"S": "\u2660", "H": "\u2665", "D": "\u2666", "C": "\u2663"}


def split_card(code: str) -> tuple[str, str]:
    """("10", "D") from "10D"."""
    return code[:-1], code[-1]


@sprite_factory("card")
def card_sprite(code: str, face_up: bool, width: int, height: int,
                highlight: RGB | None = None, highlight_width: float = 4.0,
                solid: bool = False) -> Sprite:
    """A playing card: the face shows its rank and suit in the top-left corner (the part left
    visible when cards overlap in a fanned pile) and a large suit in the middle; the back is
    plain. `highlight` frames the card (the card in hand), symmetric about its centre; with
    `solid`, a face-down card in hand shows a back of that colour instead (a large solid area
    keeps its measured centre closer than a thin frame does)."""
    # A card in hand is framed by a band with white on both sides: after 4:2:0 chroma
    # subsampling the band then mixes only with white, on every side and whatever the card
    # passes over, so its measured centre stays on the card's centre.
    solid = solid and highlight is not None and not face_up
    if solid:
        margin = HALO_GAP
    else:
        margin = int(HALO_GAP + highlight_width + HALO_GAP) if highlight is not None else 0
    patch = Patch(width + 2 * margin, height + 2 * margin)
    half_w, half_h = (width - 1) / 2, (height - 1) / 2
    radius = 0.1 * width
    if solid:
        patch.box(half_w + margin, half_h + margin, CARD_FACE, radius + margin)
        return patch.box(half_w, half_h, highlight, radius).sprite()
    if highlight is not None:
        patch.box(half_w + margin, half_h + margin, CARD_FACE, radius + margin)
        patch.box(half_w + HALO_GAP + highlight_width, half_h + HALO_GAP + highlight_width,
                  highlight, radius + HALO_GAP + highlight_width, outline=highlight_width)
    patch.box(half_w, half_h, CARD_EDGE, radius)
    if face_up:
        patch.box(half_w - 1.5, half_h - 1.5, CARD_FACE, radius - 1)
        rank, suit = split_card(code)
        ink = RED_SUIT if suit in "HD" else BLACK_SUIT
        size = max(9, round(0.38 * width))
        # Corner index: rank above suit, left-aligned, inside the strip a fanned pile leaves
        # visible. The suit glyphs of the font are small, hence the larger size.
        left = -half_w + 0.08 * width
        patch.text(rank, size, ink, dx=left, dy=-half_h + 0.05 * height, anchor="lt")
        patch.text(SUIT_SYMBOLS[suit], round(1.3 * size), ink, dx=left - 0.03 * width,
                   dy=-half_h + 0.05 * height + 1.05 * size, anchor="lt")
        # The large pip sits low and right, where the next card of a fan covers it.
        patch.text(SUIT_SYMBOLS[suit], round(0.6 * width), ink, dx=0.14 * width,
                   dy=0.2 * height)
    else:
        patch.box(half_w - 1.5, half_h - 1.5, CARD_BACK, radius - 1)
        patch.box(half_w - 0.13 * width, half_h - 0.13 * width, CARD_BACK_LINE, radius * 0.6,
                  outline=1.5)
    return patch.sprite()


CHIP_INK = (25, 25, 35)
TRAY_FILL = (246, 242, 232)
TRAY_EDGE = (120, 110, 100)
LID_FILL = (246, 247, 250)
LID_EDGE = (45, 52, 64)


@sprite_factory("chip")
def chip_sprite(value: int, radius: float, rgb: RGB, halo: float = 0.0) -> Sprite:
    """A round chip with its value written on it; `halo` adds a white ring around it (a chip in
    hand, whose colour must meet only white after chroma subsampling)."""
    size = 2 * (radius + halo) + 2
    patch = Patch(odd(size), odd(size))
    if halo:
        patch.circle(radius + halo, CARD_FACE)
    patch.circle(radius, rgb)
    text = str(value)
    font_size = round(radius * (1.05 if len(text) <= 2 else 0.82))
    patch.text(text, font_size, CHIP_INK)
    return patch.sprite()


@sprite_factory("tray")
def tray_sprite(width: float, height: float, covered: bool) -> Sprite:
    """A cup seen from above: an open tray, or covered by its lid (contents hidden)."""
    patch = Patch(odd(width + 2), odd(height + 2))
    radius = 0.12 * min(width, height)
    if covered:
        # A white lid with a dark rim and handle: mostly background to the pixel audit,
        # which only measures pixels that differ from it.
        patch.box(width / 2, height / 2, LID_EDGE, radius)
        patch.box(width / 2 - 4, height / 2 - 4, LID_FILL, radius - 4)
        patch.box(0.14 * width, 0.09 * height, LID_EDGE, 0.09 * height, outline=3.0)
    else:
        patch.box(width / 2, height / 2, TRAY_EDGE, radius)
        patch.box(width / 2 - 3, height / 2 - 3, TRAY_FILL, radius - 3)
    return patch.sprite()
