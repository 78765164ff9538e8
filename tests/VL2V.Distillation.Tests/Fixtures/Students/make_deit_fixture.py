"""Writes deit-tiny-timm.pt and deit-tiny-timm_io.pt for VisionTransformerBackboneTests.

Run with Debian's python3-torch 1.13 (no timm needed): /usr/bin/python3 make_deit_fixture.py

A tiny DeiT *distilled* model under timm's state-dict names (timm/models/deit.py VisionTransformerDistilled on
timm/models/vision_transformer.py): image 32, patch 8 (16 patches), 2 blocks, 3 heads of 16, width 48, MLP 96,
5 classes, qkv with bias, LayerNorm eps 1e-6, erf GELU. The forward below is written from timm's definition with
torch.nn.functional only:
  x = patch_embed.proj(img).flatten(2).transpose(1, 2)
  x = cat([cls_token, dist_token, x], 1) + pos_embed
  per block: x = x + attn(norm1(x)); x = x + mlp(norm2(x))      (attn: qkv -> [3, B, H, N, Dh], softmax(q k^T * Dh^-0.5) v)
  x = norm(x)
  features (head = head_dist = Identity) = (x[:, 0] + x[:, 1]) / 2
  logits (eval, distilled_training False) = (head(x[:, 0]) + head_dist(x[:, 1])) / 2
Every tensor is drawn from a seeded generator at a scale that makes no term negligible.
"""
import collections
import math
import torch
import torch.nn.functional as F

D, HEADS, MLP, LAYERS, PATCH, IMG, CLASSES = 48, 3, 96, 2, 8, 32, 5
N = (IMG // PATCH) ** 2
g = torch.Generator().manual_seed(5150)


def rnd(*shape, scale=1.0, offset=0.0):
    return (torch.randn(*shape, generator=g) * scale + offset).float()


sd = collections.OrderedDict()
sd["cls_token"] = rnd(1, 1, D, scale=0.5)
sd["pos_embed"] = rnd(1, N + 2, D, scale=0.5)
sd["dist_token"] = rnd(1, 1, D, scale=0.5)
sd["patch_embed.proj.weight"] = rnd(D, 3, PATCH, PATCH, scale=1 / math.sqrt(3 * PATCH * PATCH))
sd["patch_embed.proj.bias"] = rnd(D, scale=0.1)
for i in range(LAYERS):
    p = f"blocks.{i}."
    sd[p + "norm1.weight"] = rnd(D, scale=0.15, offset=1.0)
    sd[p + "norm1.bias"] = rnd(D, scale=0.1)
    sd[p + "attn.qkv.weight"] = rnd(3 * D, D, scale=1 / math.sqrt(D))
    sd[p + "attn.qkv.bias"] = rnd(3 * D, scale=0.1)
    sd[p + "attn.proj.weight"] = rnd(D, D, scale=1 / math.sqrt(D))
    sd[p + "attn.proj.bias"] = rnd(D, scale=0.1)
    sd[p + "norm2.weight"] = rnd(D, scale=0.15, offset=1.0)
    sd[p + "norm2.bias"] = rnd(D, scale=0.1)
    sd[p + "mlp.fc1.weight"] = rnd(MLP, D, scale=1 / math.sqrt(D))
    sd[p + "mlp.fc1.bias"] = rnd(MLP, scale=0.1)
    sd[p + "mlp.fc2.weight"] = rnd(D, MLP, scale=1 / math.sqrt(MLP))
    sd[p + "mlp.fc2.bias"] = rnd(D, scale=0.1)
sd["norm.weight"] = rnd(D, scale=0.15, offset=1.0)
sd["norm.bias"] = rnd(D, scale=0.1)
sd["head.weight"] = rnd(CLASSES, D, scale=0.2)
sd["head.bias"] = rnd(CLASSES, scale=0.1)
sd["head_dist.weight"] = rnd(CLASSES, D, scale=0.2)
sd["head_dist.bias"] = rnd(CLASSES, scale=0.1)


def forward(img):
    b = img.shape[0]
    x = F.conv2d(img, sd["patch_embed.proj.weight"], sd["patch_embed.proj.bias"], stride=PATCH)
    x = x.flatten(2).transpose(1, 2)
    x = torch.cat([sd["cls_token"].expand(b, -1, -1), sd["dist_token"].expand(b, -1, -1), x], dim=1)
    x = x + sd["pos_embed"]
    for i in range(LAYERS):
        p = f"blocks.{i}."
        h = F.layer_norm(x, (D,), sd[p + "norm1.weight"], sd[p + "norm1.bias"], eps=1e-6)
        qkv = F.linear(h, sd[p + "attn.qkv.weight"], sd[p + "attn.qkv.bias"])
        qkv = qkv.reshape(b, N + 2, 3, HEADS, D // HEADS).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        a = torch.softmax(q @ k.transpose(-2, -1) * (D // HEADS) ** -0.5, dim=-1) @ v
        a = a.transpose(1, 2).reshape(b, N + 2, D)
        x = x + F.linear(a, sd[p + "attn.proj.weight"], sd[p + "attn.proj.bias"])
        h = F.layer_norm(x, (D,), sd[p + "norm2.weight"], sd[p + "norm2.bias"], eps=1e-6)
        h = F.linear(F.gelu(F.linear(h, sd[p + "mlp.fc1.weight"], sd[p + "mlp.fc1.bias"])),
                     sd[p + "mlp.fc2.weight"], sd[p + "mlp.fc2.bias"])
        x = x + h
    x = F.layer_norm(x, (D,), sd["norm.weight"], sd["norm.bias"], eps=1e-6)
    features = (x[:, 0] + x[:, 1]) / 2
    logits = (F.linear(x[:, 0], sd["head.weight"], sd["head.bias"])
              + F.linear(x[:, 1], sd["head_dist.weight"], sd["head_dist.bias"])) / 2
    return x, features, logits


torch.set_num_threads(1)
images = rnd(2, 3, IMG, IMG)
with torch.no_grad():
    tokens, features, logits = forward(images)
io = collections.OrderedDict(input=images, tokens=tokens.contiguous(), features=features.contiguous(),
                             logits=logits.contiguous())
torch.save(sd, "deit-tiny-timm.pt")
torch.save(io, "deit-tiny-timm_io.pt")
print("features max |.|", features.abs().max().item(), "logits max |.|", logits.abs().max().item())
