import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, vocab_size, embed_dim, num_filters, num_classes, kernel_sizes=(3, 4, 5), *, rngs: nnx.Rngs):
        # the zero padding row arrives with the converted weights
        self.embedding = nnx.Embed(vocab_size, embed_dim, rngs=rngs)
        self.convs = nnx.List([nnx.Conv(embed_dim, num_filters, (k,), padding="VALID", rngs=rngs)
                               for k in kernel_sizes])
        self.dropout = nnx.Dropout(0.5, rngs=rngs)
        self.fc = nnx.Linear(num_filters * len(kernel_sizes), num_classes, rngs=rngs)

    def __call__(self, tokens):
        x = self.embedding(tokens)  # (B, L, E) is already channels-last for nnx.Conv
        pooled = [jnp.max(jax.nn.relu(conv(x)), axis=1) for conv in self.convs]
        return self.fc(self.dropout(jnp.concatenate(pooled, axis=1)))
