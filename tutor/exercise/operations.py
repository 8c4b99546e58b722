"""The one table of operations: what each is called, takes, means and how it is differentiated, as text.

Everything that speaks about an operation reads this table: the parser (which functions exist and their
arguments), the hints (words, formulas and the symbolic derivative), the generator and the function
table of docs/exercise-format.md. It holds no numbers and needs no NumPy: the engine
(tutor/engine/operations.py) adds each operation's computation, keyed by the same names, and checks
at import that the two agree. The idea is PyTorch's derivatives.yaml: one entry per operation.

A derivative template is written with the operation's parameter names in braces, bracketed when they
are sums (``{z}``), or as they are (``{z_bare}``); ``{out}`` and ``{out_bare}`` are the operation's own
value (σ(z) for ``{out}`` of the sigmoid). A template ``1/…`` divides the chain instead of multiplying it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OperationSpec:
    name: str
    params: tuple[str, ...]  # the arguments' names in formulas; () for any number of them ([a, b, ...])
    words: str  # what a hint calls it: "the sigmoid"
    value: str  # the value in the docs' function table
    rule: str  # the derivative in words, for solutions, hints and the docs
    symbol: str = ""  # how formulas write it: "+" for add, "σ" for the sigmoid; the name when empty
    formula: str = ""  # the definition a hint shows under a value step ("" when the name says it all)
    derivatives: tuple[str, ...] = ()  # one template per parameter for the symbolic derivative; () when none
    note: str = ""  # more for the docs' derivative column
    elementwise: bool = True
    activation: bool = False  # a network's nonlinearity: the generator offers it, diagnosis knows its slips
    # For the generator: whether it flattens far from 0 (σ, tanh: generated exercises keep |z| small), whether
    # no gradient passes below 0 (ReLU: they keep units alive), the numbers written for its later parameters.
    saturates: bool = False
    dead_below_zero: bool = False
    piecewise_linear: bool = False  # its slopes are constants (ReLU's 0 and 1): nothing curved to work out
    generator_args: tuple[str, ...] = ()  # leaky_relu's slope 0.1
    operator: bool = False  # written with a symbol (a + b, [a, b]), never called by its name
    reduces: bool = False  # adds up all its elements into one number (sum, mean): over a batch's rows, the batch
    optional: int = 0  # how many of the last parameters may be left out: sum(z) and sum(z, axis)
    # Parameters written as whole numbers in the expression (a stride, an axis): they choose the computation
    # and are never differentiated, so a name there would silently get no gradient.
    settings: tuple[str, ...] = ()

    @property
    def arity(self) -> int | None:
        """How many arguments it takes at most; None for any number."""
        return len(self.params) or None

    @property
    def fewest(self) -> int:
        """How many arguments it takes at least."""
        return len(self.params) - self.optional

    @property
    def shown_as(self) -> str:
        return self.symbol or self.name

    @property
    def signatures(self) -> tuple[str, ...]:
        """Each way to call it: ``sum(z)`` and ``sum(z, axis)``."""
        return tuple(
            f"{self.name}({', '.join(self.params[:count])})" for count in range(self.fewest, len(self.params) + 1)
        )


# What an axis means, for the docs: 1-based like indices, and kept so the result broadcasts back.
ALONG_AXIS = (
    ": axis 1 down each column (over the rows), axis 2 along each row; the axis is kept with size 1, "
    "so X − mean(X, 1) subtracts each column's mean"
)


def _table(*specs: OperationSpec) -> dict[str, OperationSpec]:
    return {spec.name: spec for spec in specs}


OPERATION_TABLE: dict[str, OperationSpec] = _table(
    # -- arithmetic, written with symbols
    OperationSpec("add", ("a", "b"), "a sum", "a + b", "∂(a + b)/∂a = 1, ∂(a + b)/∂b = 1", "+", operator=True),
    OperationSpec(
        "subtract", ("a", "b"), "a difference", "a − b", "∂(a − b)/∂a = 1, ∂(a − b)/∂b = −1", "-", operator=True
    ),
    OperationSpec("multiply", ("a", "b"), "a product", "a·b", "∂(a·b)/∂a = b, ∂(a·b)/∂b = a", "*", operator=True),
    OperationSpec("divide", ("a", "b"), "a quotient", "a/b", "∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b²", "/", operator=True),
    OperationSpec("negate", ("a",), "a negation", "−a", "∂(−a)/∂a = −1", "-", operator=True),
    OperationSpec("power", ("a", "p"), "a power", "aᵖ", "∂(aᵖ)/∂a = p·aᵖ⁻¹, ∂(aᵖ)/∂p = aᵖ·ln a", "^", operator=True),
    OperationSpec(
        "matmul",
        ("A", "B"),
        "a matrix product",
        "A@B",
        "∂(A@B)/∂A: multiply the gradient by Bᵀ on the right; ∂(A@B)/∂B: by Aᵀ on the left",
        "@",
        elementwise=False,
        operator=True,
    ),
    OperationSpec(
        "stack",
        (),
        "a vector built from its elements",
        "[a, b, ...]",
        "each element of [a, b, ...] passes its own gradient element back",
        elementwise=False,
        operator=True,
    ),
    # -- activations
    OperationSpec(
        "sigmoid",
        ("z",),
        "the sigmoid",
        "1/(1 + e^(−z)), computed stably",
        "∂σ(z)/∂z = σ(z)(1 − σ(z))",
        "σ",
        "σ(z) = 1/(1 + e^(−z))",
        ("{out}(1 − {out})",),
        activation=True,
        saturates=True,
    ),
    OperationSpec(
        "tanh",
        ("z",),
        "tanh",
        "hyperbolic tangent",
        "∂tanh(z)/∂z = 1 − tanh(z)²",
        "tanh",
        "tanh(z) = (eᶻ − e⁻ᶻ)/(eᶻ + e⁻ᶻ)",
        ("(1 − {out}²)",),
        activation=True,
        saturates=True,
    ),
    OperationSpec(
        "relu",
        ("z",),
        "ReLU",
        "max(0, z)",
        "∂relu(z)/∂z = 1 if z > 0, else 0",
        formula="relu(z) = max(0, z)",
        derivatives=("(1 if {z_bare} > 0, else 0)",),
        note="(also 0 at z = 0)",
        activation=True,
        dead_below_zero=True,
        piecewise_linear=True,
    ),
    OperationSpec(
        "leaky_relu",
        ("z", "alpha"),
        "leaky ReLU",
        "z where z > 0, else α·z",
        "∂/∂z = 1 if z > 0, else α; ∂/∂α = 0 if z > 0, else z",
        formula="leaky_relu(z, α) = z if z > 0, else α·z",
        note="(with a learned alpha this is PReLU)",
        activation=True,
        piecewise_linear=True,
        generator_args=("0.1",),
    ),
    OperationSpec(
        "softplus",
        ("z",),
        "softplus",
        "ln(1 + eᶻ), computed stably: a smooth ReLU",
        "∂softplus(z)/∂z = σ(z)",
        formula="softplus(z) = ln(1 + eᶻ)",
        derivatives=("σ({z_bare})",),
        activation=True,
    ),
    OperationSpec(
        "silu",
        ("z",),
        "SiLU (swish)",
        "z·σ(z)",
        "∂silu(z)/∂z = σ(z)(1 + z(1 − σ(z)))",
        formula="silu(z) = z·σ(z)",
        derivatives=("σ({z_bare})(1 + {z}(1 − σ({z_bare})))",),
        activation=True,
    ),
    OperationSpec(
        "gelu",
        ("z",),
        "GELU",
        "z·Φ(z) with Φ(z) = ½(1 + erf(z/√2)), the standard normal distribution function (the exact form, "
        "the frameworks' default; not the tanh approximation)",
        "∂gelu(z)/∂z = Φ(z) + z·φ(z), with φ(z) = e^(−z²/2)/√(2π) the standard normal density",
        formula="gelu(z) = z·Φ(z), where Φ(z) = ½(1 + erf(z/√2))",
        derivatives=("(Φ({z_bare}) + {z}·φ({z_bare}))",),
        activation=True,
    ),
    OperationSpec(
        "elu",
        ("z", "alpha"),
        "ELU",
        "z where z > 0, else α(eᶻ − 1)",
        "∂/∂z = 1 if z > 0, else α·eᶻ; ∂/∂α = 0 if z > 0, else eᶻ − 1",
        formula="elu(z, α) = z if z > 0, else α(eᶻ − 1)",
        derivatives=("(1 if {z_bare} > 0, else {alpha}·e^{z})", "(0 if {z_bare} > 0, else e^{z} − 1)"),
        note="(α = 1 is the usual choice)",
        activation=True,
        generator_args=("1",),
    ),
    # -- elementary functions
    OperationSpec("exp", ("z",), "the exponential", "eᶻ", "∂eᶻ/∂z = eᶻ", "exp", derivatives=("{out_bare}",)),
    OperationSpec(
        "log",
        ("z",),
        "the natural logarithm",
        "natural logarithm; z must be positive",
        "∂ln z/∂z = 1/z",
        derivatives=("1/{z}",),
    ),
    OperationSpec(
        "sqrt",
        ("z",),
        "the square root",
        "square root; z must not be negative",
        "∂√z/∂z = 1/(2√z)",
        derivatives=("1/(2√{z})",),
    ),
    OperationSpec(
        "abs",
        ("z",),
        "the absolute value",
        "|z|",
        "∂|z|/∂z = sign(z) (0 at z = 0)",
        derivatives=("sign({z_bare})",),
        piecewise_linear=True,
    ),
    OperationSpec(
        "max",
        ("a", "b"),
        "a maximum",
        "elementwise maximum",
        "∂max(a, b) = 1 for the larger argument, 0 for the other (a on a tie)",
        piecewise_linear=True,
    ),
    OperationSpec(
        "min",
        ("a", "b"),
        "a minimum",
        "elementwise minimum",
        "∂min(a, b) = 1 for the smaller argument, 0 for the other (a on a tie)",
        piecewise_linear=True,
    ),
    # -- reductions and reshaping
    OperationSpec(
        "sum",
        ("z", "axis"),
        "a sum of elements",
        "sum of all elements (a number); with an axis, along that axis only" + ALONG_AXIS,
        "∂(Σ zᵢ)/∂zᵢ = 1: the gradient is spread back along the summed elements",
        formula="sum(z) = z₁ + … + zₙ",
        elementwise=False,
        reduces=True,
        optional=1,
        settings=("axis",),
    ),
    OperationSpec(
        "mean",
        ("z", "axis"),
        "a mean",
        "mean of all elements (a number); with an axis, along that axis only" + ALONG_AXIS,
        "∂(Σ zᵢ / n)/∂zᵢ = 1/n, n the number of elements averaged: the gradient is spread back divided by n",
        formula="mean(z) = (z₁ + … + zₙ)/n",
        elementwise=False,
        reduces=True,
        optional=1,
        settings=("axis",),
    ),
    OperationSpec(
        "var",
        ("z", "axis"),
        "a variance",
        "the biased variance mean((z − mean(z))²), dividing by n as batch norm does; with an axis, along that axis"
        + ALONG_AXIS,
        "∂var/∂zᵢ = 2(zᵢ − mean(z))/n (the path through the mean adds nothing: Σ(zᵢ − mean(z)) = 0)",
        formula="var(z) = ((z₁ − m)² + … + (zₙ − m)²)/n, m = mean(z)",
        elementwise=False,
        optional=1,
        settings=("axis",),
    ),
    OperationSpec(
        "softmax",
        ("z",),
        "softmax",
        "e^(zᵢ)/Σⱼ e^(zⱼ) over a vector, computed stably; of a matrix, each row on its own (a batch of score rows)",
        "∂sᵢ/∂zⱼ = sᵢ(δᵢⱼ − sⱼ): the Jacobian diag(s) − s·sᵀ (of a matrix: row by row)",
        formula="softmax(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ)",
        elementwise=False,
    ),
    OperationSpec(
        "log_softmax",
        ("z",),
        "log_softmax",
        "log of the softmax, computed stably as z − max(z) − log Σ e^(z − max(z)); of a matrix, row by row",
        "∂(log sᵢ)/∂zⱼ = δᵢⱼ − sⱼ with s = softmax(z) (of a matrix: row by row)",
        elementwise=False,
    ),
    # -- tensor operations: images, pooling, normalization
    OperationSpec(
        "conv2d",
        ("X", "K", "stride", "padding"),
        "a convolution",
        "2-D cross-correlation of a matrix X with a kernel matrix K, what the frameworks call conv2d (one channel, "
        "one filter, the kernel not flipped): out[i, j] = Σₐ Σ_b X[s·i + a, s·j + b]·K[a, b], the kernel moved "
        "by the stride s (1 when left out) over X padded with `padding` rows and columns of zeros on every side "
        "(0 when left out: a valid convolution)",
        "∂L/∂K[a, b] = Σᵢⱼ ∂L/∂out[i, j]·X[s·i + a, s·j + b]: X cross-correlated with the upstream gradient; "
        "∂L/∂X: the upstream gradient convolved (full) with the kernel flipped by 180°, each upstream element "
        "sending K's entries back to the inputs they touched",
        elementwise=False,
        optional=2,
        settings=("stride", "padding"),
    ),
    OperationSpec(
        "maxpool",
        ("X", "size"),
        "max pooling",
        "non-overlapping size×size max pooling of a matrix whose sides are multiples of size: each window's "
        "largest element (on a tie, the window's first in reading order)",
        "the gradient of each window goes to its largest element only (the argmax: the first on a tie); "
        "the window's other elements get 0",
        elementwise=False,
        settings=("size",),
    ),
    OperationSpec(
        "batchnorm",
        ("X", "gamma", "beta"),
        "batch normalization",
        "each column of X (a feature) normalized over the rows (the batch): x̂ = (X − mean(X, 1))/√(var(X, 1) + ε) "
        "with the biased variance and ε = 1e-5, then gamma·x̂ + beta, gamma and beta one number per column "
        "(or one number)",
        "∂/∂beta = 1 and ∂/∂gamma = x̂, summed over the rows; ∂L/∂X = (gamma/σ)(g − mean(g) − x̂·mean(g·x̂)) "
        "column by column, g = ∂L/∂out and σ = √(var + ε): three paths, through x̂ directly, through the mean "
        "and through the variance",
        elementwise=False,
    ),
    OperationSpec(
        "layernorm",
        ("X", "gamma", "beta"),
        "layer normalization",
        "each row of X (a sample, or the vector X) normalized over its columns: x̂ = (X − mean(X, 2))/√(var(X, 2) "
        "+ ε) with the biased variance and ε = 1e-5, then gamma·x̂ + beta, gamma and beta one number per column "
        "(or one number)",
        "∂/∂beta = 1 and ∂/∂gamma = x̂, summed over the rows; ∂L/∂X = (gamma/σ)(g − mean(g) − x̂·mean(g·x̂)) "
        "row by row, g = ∂L/∂out and σ = √(var + ε): three paths, through x̂ directly, through the mean and "
        "through the variance",
        elementwise=False,
    ),
    OperationSpec(
        "transpose",
        ("W",),
        "a transpose",
        "the transposed matrix",
        "transposing moves each gradient element back to its place",
        elementwise=False,
    ),
)

# The functions an expression may call, with their number of arguments: part of the format.
FUNCTIONS: dict[str, int] = {spec.name: len(spec.params) for spec in OPERATION_TABLE.values() if not spec.operator}
# Operations written with symbols; their names are not callable as functions.
OPERATORS: tuple[str, ...] = tuple(spec.name for spec in OPERATION_TABLE.values() if spec.operator)
ACTIVATIONS: tuple[str, ...] = tuple(spec.name for spec in OPERATION_TABLE.values() if spec.activation)


def function_table_markdown() -> str:
    """The docs' function table (docs/exercise-format.md), row for row from this table."""
    rows = ["| function | value | derivative used by the tutor |", "| --- | --- | --- |"]
    for spec in OPERATION_TABLE.values():
        if spec.operator:
            continue
        value = f"*activation*: {spec.value}" if spec.activation else spec.value  # tutor generate mlp --activation
        cells = (
            ", ".join(f"`{signature}`" for signature in spec.signatures),
            value,
            f"{spec.rule} {spec.note}".strip(),
        )
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")  # |z| inside a cell
    return "\n".join(rows)


__all__ = ["ACTIVATIONS", "FUNCTIONS", "OPERATION_TABLE", "OPERATORS", "OperationSpec", "function_table_markdown"]
