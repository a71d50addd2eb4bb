from flax import nnx


class Model(nnx.Module):
    def __init__(self, vocab_size, embed_dim, num_classes, *, rngs: nnx.Rngs):
        self.embed = nnx.Embed(vocab_size, embed_dim, rngs=rngs)
        self.fc = nnx.Linear(embed_dim, num_classes, rngs=rngs)

    def __call__(self, tokens):
        return self.fc(self.embed(tokens).mean(axis=1))
