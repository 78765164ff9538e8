#!/usr/bin/python3
"""Writes preprocess-modes/: small images in the PIL modes the shared preprocess fixtures do not cover (L, LA, P,
1-bit, RGB PNG with tRNS, RGB and gray JPEG, GIF) and, per image and size n, what openai/CLIP's _transform(n) does
to them up to the uint8 RGB crop, computed with Pillow itself (Debian python3-pil 9.4.0):
  Resize(n, BICUBIC) = PIL.Image.resize((w', h'), BICUBIC) with the shorter side n and the longer int(n*long/short)
  (torchvision hands PIL images to PIL.Image.resize; PIL itself switches P and 1 images to NEAREST and resizes
  RGBA/LA premultiplied); CenterCrop(n) = crop at int(round((h'-n)/2)), int(round((w'-n)/2)); then convert("RGB").
expected.json holds, per image: the decoded image as RGB, and per n the resized image as RGB and the n x n RGB crop,
all uint8 HWC, base64. Run with Debian's /usr/bin/python3 (Pillow 9.4.0 + numpy): python3 make_preprocess_modes.py
"""
import base64
import io
import json
import os

import numpy as np
import PIL
from PIL import Image

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "preprocess-modes")
SIZES = [16, 50]


def pattern(h, w, seed):
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = (x * 255 // max(w - 1, 1) + y * 97 // max(h - 1, 1)) % 256
    noise = rng.randint(0, 256, size=(h, w))
    block = ((x // 4 + y // 3) % 2) * 255
    return base.astype(np.uint8), noise.astype(np.uint8), block.astype(np.uint8)


def make_images():
    base, noise, block = pattern(30, 45, 1)
    images = {}
    images["gray_45x30.png"] = Image.fromarray(np.where(noise > 200, block, base).astype(np.uint8), "L")
    b2, n2, k2 = pattern(45, 30, 2)
    alpha = (np.mgrid[0:45, 0:30][0] * 255 // 44).astype(np.uint8)
    alpha[:, 10:13] = 0
    images["gray_alpha_30x45.png"] = Image.fromarray(np.dstack([np.maximum(b2, k2), alpha]).astype(np.uint8), "LA")
    b3, n3, k3 = pattern(25, 40, 3)
    rgb = np.dstack([b3, k3, n3]).astype(np.uint8)
    images["palette_40x25.png"] = Image.fromarray(rgb, "RGB").quantize(colors=16, method=Image.Quantize.MEDIANCUT)
    images["bilevel_33x20.png"] = Image.fromarray(np.where(pattern(20, 33, 4)[1] > 127, 255, 0).astype(np.uint8), "L").convert("1")
    b5, n5, k5 = pattern(28, 36, 5)
    trns = Image.fromarray(np.dstack([b5, n5, k5]).astype(np.uint8), "RGB")
    images["rgb_trns_36x28.png"] = (trns, {"transparency": (int(b5[0, 0]), int(n5[0, 0]), int(k5[0, 0]))})
    b6, n6, k6 = pattern(32, 48, 6)
    smooth = np.dstack([b6, (b6.astype(int) * 3 // 4 + k6 // 4).astype(np.uint8), 255 - b6]).astype(np.uint8)
    images["rgb_48x32.jpg"] = (Image.fromarray(smooth, "RGB"), {"quality": 90})
    images["gray_32x48.jpg"] = (Image.fromarray(pattern(48, 32, 7)[0], "L"), {"quality": 85})
    images["palette_26x39.gif"] = Image.fromarray(np.dstack(pattern(39, 26, 8)).astype(np.uint8), "RGB").quantize(colors=8)
    return images


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).decode("ascii")


def main():
    os.makedirs(HERE, exist_ok=True)
    out = {"generator": "make_preprocess_modes.py", "pillow": PIL.__version__, "numpy": np.__version__, "images": []}
    for name, spec in make_images().items():
        image, kwargs = spec if isinstance(spec, tuple) else (spec, {})
        buf = io.BytesIO()
        image.save(buf, format={"png": "PNG", "jpg": "JPEG", "gif": "GIF"}[name.rsplit(".", 1)[1]], **kwargs)
        with open(os.path.join(HERE, name + ".tmp"), "wb") as f:
            f.write(buf.getvalue())
        os.replace(os.path.join(HERE, name + ".tmp"), os.path.join(HERE, name))

        im = Image.open(os.path.join(HERE, name))
        im.load()
        w, h = im.size
        entry = {"file": name, "mode": im.mode, "width": w, "height": h,
                 "decoded_rgb": b64(np.asarray(im.convert("RGB"))), "sizes": []}
        for n in SIZES:
            short, long = (w, h) if w <= h else (h, w)
            new_short, new_long = n, int(n * long / short)
            rw, rh = (new_short, new_long) if w <= h else (new_long, new_short)
            resized = im.resize((rw, rh), Image.BICUBIC) if (rw, rh) != (w, h) else im.copy()
            top, left = int(round((rh - n) / 2.0)), int(round((rw - n) / 2.0))
            crop = resized.crop((left, top, left + n, top + n)).convert("RGB")
            entry["sizes"].append({"n": n, "resized_width": rw, "resized_height": rh, "crop_top": top, "crop_left": left,
                                   "resized_rgb": b64(np.asarray(resized.convert("RGB"))), "cropped_rgb": b64(np.asarray(crop))})
        out["images"].append(entry)
    tmp = os.path.join(HERE, "expected.json.tmp")
    with open(tmp, "w", encoding="ascii") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    os.replace(tmp, os.path.join(HERE, "expected.json"))


if __name__ == "__main__":
    main()
