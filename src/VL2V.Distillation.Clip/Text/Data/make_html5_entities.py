#!/usr/bin/python3
"""Writes html5_entities.txt: the WHATWG HTML5 named character references as Python's html.entities.html5
holds them (2231 names, with and without the trailing ';' exactly as the standard lists them).
One line per name: NAME<TAB>code points in hex separated by spaces. Run: python3 make_html5_entities.py"""
import html.entities
import os

here = os.path.dirname(os.path.abspath(__file__))
lines = [f"{name}\t{' '.join(f'{ord(ch):X}' for ch in value)}" for name, value in sorted(html.entities.html5.items())]
tmp = os.path.join(here, "html5_entities.txt.tmp")
with open(tmp, "w", encoding="ascii", newline="\n") as f:
    f.write("\n".join(lines) + "\n")
os.replace(tmp, os.path.join(here, "html5_entities.txt"))
