import jax.numpy as jnp
from flax import nnx


class TorchGRUCell(nnx.GRUCell):
    """GRU cell with the hidden-side bias torch applies inside r * (W_hn h + b_hn)."""

    def __init__(self, in_features, hidden_features, *, rngs: nnx.Rngs):
        super().__init__(in_features, hidden_features, rngs=rngs)
        self.dense_h = nnx.Linear(hidden_features, 3 * hidden_features, use_bias=True, rngs=rngs)


class Model(nnx.Module):
    def __init__(self, vocab_size, embed_dim, hidden_size, num_tags, *, rngs: nnx.Rngs):
        # nnx.Embed has no padding_idx; the zero padding row arrives with the converted weights
        self.embed = nnx.Embed(vocab_size, embed_dim, rngs=rngs)
        forward = nnx.RNN(TorchGRUCell(embed_dim, hidden_size, rngs=rngs))
        # nnx.Bidirectional itself runs this one reversed and returns its states in input order
        backward = nnx.RNN(TorchGRUCell(embed_dim, hidden_size, rngs=rngs))
        self.encoder = nnx.List([nnx.Bidirectional(forward, backward)])
        self.norm = nnx.LayerNorm(2 * hidden_size, epsilon=1e-5, rngs=rngs)
        self.drop = nnx.Dropout(0.1, rngs=rngs)
        self.tagger = nnx.Linear(2 * hidden_size, num_tags, rngs=rngs)

    def __call__(self, token_ids):
        # like torch, the GRU still runs over padded steps (no packing), so only the logits are masked
        states = self.encoder[0](self.embed(token_ids))
        logits = self.tagger(self.drop(self.norm(states)))
        return jnp.where((token_ids == 0)[..., None], 0.0, logits)
