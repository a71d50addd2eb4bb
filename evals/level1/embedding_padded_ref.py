from flax import nnx


class Model(nnx.Module):
    def __init__(self, vocab_size, embed_dim, *, rngs: nnx.Rngs):
        self.embed = nnx.Embed(vocab_size, embed_dim, rngs=rngs)

    def __call__(self, tokens):
        return self.embed(tokens)
