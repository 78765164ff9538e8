"""Counterpart of `dotnet run -- clip`: CLIP ViT-B/16 encode_image (batch 8, 224 px) and encode_text (batch 32,
77 tokens) on CPU with random weights. The model below is a small standalone PyTorch module written for this
benchmark from CLIP's published architecture (Radford et al. 2021): pre-LayerNorm transformer blocks with
nn.MultiheadAttention and QuickGELU, a 16x16 patch convolution without bias, a class token, learned positional
embeddings, ln_pre/ln_post and a projection; the text tower is causal, pooled at the EOT token (the largest id).

    /usr/bin/python3 samples/VL2V.Benchmarks/python/bench_clip.py [--quick] [--reps N] [--threads 2]
"""
import torch
from torch import nn

from bench_common import machine_info, measure, parse_args, print_table

# ViT-B/16 (OpenAI's released configuration)
EMBED, RES, PATCH, V_WIDTH, V_LAYERS = 512, 224, 16, 768, 12
CONTEXT, VOCAB, T_WIDTH, T_LAYERS = 77, 49408, 512, 12
IMAGE_BATCH, TEXT_BATCH = 8, 32


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), QuickGELU(), nn.Linear(4 * width, width))
        self.ln_2 = nn.LayerNorm(width)

    def forward(self, x, mask=None):  # x [L, B, D]
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False, attn_mask=mask)[0]
        return x + self.mlp(self.ln_2(x))


class ImageTower(nn.Module):
    def __init__(self):
        super().__init__()
        grid = RES // PATCH
        self.conv1 = nn.Conv2d(3, V_WIDTH, PATCH, PATCH, bias=False)
        self.class_embedding = nn.Parameter(torch.randn(V_WIDTH) * V_WIDTH ** -0.5)
        self.positional_embedding = nn.Parameter(torch.randn(grid * grid + 1, V_WIDTH) * V_WIDTH ** -0.5)
        self.ln_pre = nn.LayerNorm(V_WIDTH)
        self.blocks = nn.ModuleList(Block(V_WIDTH, V_WIDTH // 64) for _ in range(V_LAYERS))
        self.ln_post = nn.LayerNorm(V_WIDTH)
        self.proj = nn.Parameter(torch.randn(V_WIDTH, EMBED) * V_WIDTH ** -0.5)

    def forward(self, images):  # [B, 3, R, R] -> [B, E]
        x = self.conv1(images).flatten(2).permute(0, 2, 1)
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = self.ln_pre(torch.cat([cls, x], dim=1) + self.positional_embedding).permute(1, 0, 2)
        for b in self.blocks:
            x = b(x)
        return self.ln_post(x[0]) @ self.proj


class TextTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.token_embedding = nn.Embedding(VOCAB, T_WIDTH)
        self.positional_embedding = nn.Parameter(torch.randn(CONTEXT, T_WIDTH) * 0.01)
        self.blocks = nn.ModuleList(Block(T_WIDTH, T_WIDTH // 64) for _ in range(T_LAYERS))
        self.ln_final = nn.LayerNorm(T_WIDTH)
        self.text_projection = nn.Parameter(torch.randn(T_WIDTH, EMBED) * T_WIDTH ** -0.5)
        self.register_buffer("mask", torch.full((CONTEXT, CONTEXT), float("-inf")).triu(1), persistent=False)

    def forward(self, ids):  # [N, T] int64 -> [N, E]
        x = (self.token_embedding(ids) + self.positional_embedding).permute(1, 0, 2)
        for b in self.blocks:
            x = b(x, self.mask)
        x = self.ln_final(x.permute(1, 0, 2))
        return x[torch.arange(x.shape[0]), ids.argmax(dim=-1)] @ self.text_projection


def token_batch(n, generator):
    """n random captions: SOT, 5..40 random tokens, EOT (the largest id), zero padding, as CLIP's tokenizer pads."""
    ids = torch.zeros(n, CONTEXT, dtype=torch.long)
    lengths = torch.randint(5, 41, (n,), generator=generator)
    for i, length in enumerate(lengths.tolist()):
        ids[i, 0] = VOCAB - 2
        ids[i, 1:length + 1] = torch.randint(1, VOCAB - 2, (length,), generator=generator)
        ids[i, length + 1] = VOCAB - 1
    return ids


def main():
    a = parse_args(__doc__)
    torch.set_num_threads(a.threads)
    machine_info(torch)
    print(f"benchmark: clip{' (quick: not for publishing)' if a.quick else ''}, warm-up {a.warmup}, "
          f"timed repetitions {a.reps}, best of them reported")
    torch.manual_seed(0)
    image, text = ImageTower().eval(), TextTower().eval()
    params = sum(p.numel() for p in image.parameters()) + sum(p.numel() for p in text.parameters())
    print(f"model: CLIP ViT-B/16 towers, {params / 1e6:.1f} M parameters (without logit_scale), float32, random weights")
    g = torch.Generator().manual_seed(0)
    image_batch, text_batch = (2, 4) if a.quick else (IMAGE_BATCH, TEXT_BATCH)
    images = torch.randn(image_batch, 3, RES, RES, generator=g)
    ids = token_batch(text_batch, g)
    rows = []
    with torch.no_grad():
        rows.append(measure(f"encode_image, batch {image_batch}, {RES} px", "img", image_batch, a.warmup, a.reps,
                            lambda: image(images)))
        rows.append(measure(f"encode_text, batch {text_batch}, {CONTEXT} tokens", "text", text_batch, a.warmup, a.reps,
                            lambda: text(ids)))
    print_table(f"clip: PyTorch {torch.__version__}, ViT-B/16, no_grad, torch threads {torch.get_num_threads()}", rows)


if __name__ == "__main__":
    main()
