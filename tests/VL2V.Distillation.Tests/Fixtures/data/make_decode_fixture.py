"""Reference decodes for ImageDecoder: what DomainBed's loader (PIL `Image.open(f).convert("RGB")`) sees.

Writes small synthetic images (RGB JPEG with 4:2:0 chroma subsampling, grayscale JPEG, palette PNG with a
transparent colour, RGBA PNG with an alpha gradient) and decode.json with PIL's RGB pixels of each, planar [3,H,W], base64.
Run with Debian's python3 (Pillow 9.4):  /usr/bin/python3 make_decode_fixture.py
"""
import base64
import json
import os

import PIL
from PIL import Image, ImageDraw

here = os.path.dirname(os.path.abspath(__file__))


def scene(w, h):
    img = Image.new("RGB", (w, h))
    px = img.load()
    for y in range(h):
        for x in range(w):
            px[x, y] = (x * 255 // (w - 1), y * 255 // (h - 1), (x * y) % 256)
    d = ImageDraw.Draw(img)
    d.ellipse((5, 4, 25, 20), fill=(250, 30, 40))
    d.line((0, h - 1, w - 1, 0), fill=(10, 220, 90), width=2)
    return img


rgb = scene(40, 30)
rgb.save(os.path.join(here, "decode_rgb.jpg"), quality=90, subsampling=2)
rgb.convert("L").save(os.path.join(here, "decode_gray.jpg"), quality=90)
pal = rgb.quantize(colors=16)
pal.save(os.path.join(here, "decode_palette.png"), transparency=3)
rgba16 = rgb.convert("RGBA")
rgba16.putalpha(Image.linear_gradient("L").resize((40, 30)))
rgba16.save(os.path.join(here, "decode_rgba.png"))

out = {"pillow": PIL.__version__, "images": {}}
for name in ("decode_rgb.jpg", "decode_gray.jpg", "decode_palette.png", "decode_rgba.png"):
    with Image.open(os.path.join(here, name)) as im:
        mode = im.mode
        rgb_im = im.convert("RGB")
    w, h = rgb_im.size
    planar = b"".join(rgb_im.getchannel(c).tobytes() for c in range(3))
    out["images"][name] = {"mode": mode, "width": w, "height": h, "planar_base64": base64.b64encode(planar).decode()}
with open(os.path.join(here, "decode.json"), "w") as f:
    json.dump(out, f, indent=1)
