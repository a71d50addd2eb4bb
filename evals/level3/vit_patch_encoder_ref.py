import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, channels, image_size, patch_size, embed_dim, num_heads, mlp_dim, num_classes, *,
                 rngs: nnx.Rngs):
        num_patches = (image_size // patch_size) ** 2
        self.patch = nnx.Conv(channels, embed_dim, (patch_size, patch_size), strides=(patch_size, patch_size),
                              padding="VALID", rngs=rngs)
        self.cls_token = nnx.Param(jax.random.normal(rngs.params(), (1, 1, embed_dim)) * 0.02)
        self.pos = nnx.Param(jax.random.normal(rngs.params(), (1, num_patches + 1, embed_dim)) * 0.02)
        self.norm1 = nnx.LayerNorm(embed_dim, epsilon=1e-5, rngs=rngs)
        self.attn = nnx.MultiHeadAttention(num_heads=num_heads, in_features=embed_dim, decode=False, rngs=rngs)
        self.norm2 = nnx.LayerNorm(embed_dim, epsilon=1e-5, rngs=rngs)
        self.mlp = nnx.Sequential(
            nnx.Linear(embed_dim, mlp_dim, rngs=rngs),
            lambda v: jax.nn.gelu(v, approximate=False),
            nnx.Linear(mlp_dim, embed_dim, rngs=rngs),
        )
        self.head = nnx.Linear(embed_dim, num_classes, rngs=rngs)

    def __call__(self, images):
        # NHWC conv output row-major over (h, w) matches torch's flatten(2) patch order
        tokens = self.patch(jnp.transpose(images, (0, 2, 3, 1)))
        b = tokens.shape[0]
        tokens = tokens.reshape(b, -1, tokens.shape[-1])
        cls = jnp.broadcast_to(self.cls_token[...], (b, 1, tokens.shape[-1]))
        x = jnp.concatenate([cls, tokens], axis=1) + self.pos[...]
        x = x + self.attn(self.norm1(x))
        x = x + self.mlp(self.norm2(x))
        return self.head(x[:, 0])
