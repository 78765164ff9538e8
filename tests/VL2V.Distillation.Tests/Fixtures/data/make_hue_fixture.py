"""Reference values for the hue adjustment of DomainBed's ColorJitter.

torchvision's tensor `adjust_hue` (RGB -> HSV, shift the hue modulo 1, HSV -> RGB) written with plain
torch 1.13 ops, because torchvision is not installed on the build machines. Run with Debian's python3-torch:
    /usr/bin/python3 make_hue_fixture.py   (writes hue.json next to this file)
"""
import json
import os

import torch


def rgb2hsv(img):
    r, g, b = img.unbind(dim=-3)
    maxc = torch.max(img, dim=-3).values
    minc = torch.min(img, dim=-3).values
    eqc = maxc == minc
    cr = maxc - minc
    ones = torch.ones_like(maxc)
    s = cr / torch.where(eqc, ones, maxc)
    cr_divisor = torch.where(eqc, ones, cr)
    rc = (maxc - r) / cr_divisor
    gc = (maxc - g) / cr_divisor
    bc = (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = torch.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return torch.stack((h, s, maxc), dim=-3)


def hsv2rgb(img):
    h, s, v = img.unbind(dim=-3)
    i = torch.floor(h * 6.0)
    f = (h * 6.0) - i
    i = i.to(dtype=torch.int32)
    p = torch.clamp((v * (1.0 - s)), 0.0, 1.0)
    q = torch.clamp((v * (1.0 - s * f)), 0.0, 1.0)
    t = torch.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
    i = i % 6
    mask = i.unsqueeze(dim=-3) == torch.arange(6, device=i.device).view(-1, 1, 1)
    a1 = torch.stack((v, q, p, p, t, v), dim=-3)
    a2 = torch.stack((t, v, v, q, p, p), dim=-3)
    a3 = torch.stack((p, p, t, v, v, q), dim=-3)
    a4 = torch.stack((a1, a2, a3), dim=-4)
    return torch.einsum("...ijk, ...xijk -> ...xjk", mask.to(dtype=img.dtype), a4)


def adjust_hue(img, hue_factor):
    hsv = rgb2hsv(img)
    h, s, v = hsv.unbind(dim=-3)
    h = (h + hue_factor) % 1.0
    return hsv2rgb(torch.stack((h, s, v), dim=-3))


g = torch.Generator().manual_seed(0)
image = torch.rand(3, 6, 6, generator=g)
image[:, 0, 0] = torch.tensor([0.5, 0.5, 0.5])   # gray: hue undefined
image[:, 0, 1] = torch.tensor([1.0, 0.0, 0.0])   # pure red
image[:, 0, 2] = torch.tensor([0.2, 0.9, 0.9])   # max shared by g and b
out = {"input": image.flatten().tolist(), "shape": [3, 6, 6]}
for factor in (0.27, -0.12, 0.5):
    out[str(factor)] = adjust_hue(image, factor).flatten().tolist()
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "hue.json"), "w") as f:
    json.dump(out, f)
