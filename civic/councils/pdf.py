"""The protocol as a PDF (fpdf2 with the DejaVu fonts of the system, which cover Kazakh)."""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu",
             "/Library/Fonts", "C:/Windows/Fonts")


class FontMissing(RuntimeError):
    pass


def _font(name: str) -> str:
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.exists():
            return str(path)
    raise FontMissing(name)


def protocol_pdf(title: str, text: str, footer_lines: list[str]) -> bytes:
    """A plain A4 document: the protocol text, then the signatures with their SHA-256."""
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", _font("DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", _font("DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 10.5)
    for line in text.splitlines():
        pdf.multi_cell(0, 5.6, line if line.strip() else " ", new_x="LMARGIN", new_y="NEXT")
    if footer_lines:
        pdf.ln(4)
        pdf.set_font("DejaVu", "", 8.5)
        for line in footer_lines:
            pdf.multi_cell(0, 4.6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
