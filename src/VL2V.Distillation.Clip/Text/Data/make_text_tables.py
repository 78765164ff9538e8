#!/usr/bin/python3
"""Writes the data tables of the CLIP text cleaner (run with Debian's /usr/bin/python3, Python 3.11.2, the
interpreter of the reference fixtures, so its Unicode 14 database is the one openai/CLIP + ftfy used):

html5_entities.txt  the WHATWG HTML5 named character references as Python's html.entities.html5 holds them
                    (2231 names, with and without the trailing ';' exactly as the standard lists them);
width_map.txt       ftfy's WIDTH_MAP: U+3000 -> space, and every U+FF01..U+FFEF whose NFKC form differs, mapped to
                    that form (full-width ASCII, half-width katakana/hangul, ...). Stored as data so that cleaning
                    does not depend on the ICU library being present (.NET's invariant globalization mode has no
                    NFKC).

One line per entry: KEY<TAB>code points in hex separated by spaces.  Run: python3 make_text_tables.py
"""
import html.entities
import os
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, lines):
    tmp = os.path.join(HERE, name + ".tmp")
    with open(tmp, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, os.path.join(HERE, name))


def hexes(s):
    return " ".join(f"{ord(ch):X}" for ch in s)


write("html5_entities.txt", [f"{name}\t{hexes(value)}" for name, value in sorted(html.entities.html5.items())])

width = {0x3000: " "}
for i in range(0xFF01, 0xFFF0):
    alternate = unicodedata.normalize("NFKC", chr(i))
    if alternate != chr(i):
        width[i] = alternate
write("width_map.txt", [f"{i:X}\t{hexes(v)}" for i, v in sorted(width.items())])
