from flax import nnx


class Model(nnx.Module):
    def __init__(self, hidden, *, rngs: nnx.Rngs):
        self.ln_final = nnx.LayerNorm(hidden, epsilon=1e-5, use_bias=False, rngs=rngs)

    def __call__(self, hidden_states):
        return self.ln_final(hidden_states)
