"""Which kernel entries touch which input entries of a convolution: the pure map against the engine's own
conv2d for random shapes, strides and paddings, its text in the given panel (on sessions here; whole on the
80x24 screen at every step of conv2d-forward-backward in test_given_tui) and in `tutor solve`."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.engine.derivatives import ConvInput, ConvKernel
from tutor.engine.operations import apply
from tutor.exercise import resolve_exercise
from tutor.session import Session
from tutor.session.convolution import Convolution, convolutions, touches
from tutor.session.given import given_text
from tutor_testing import right_answer, tutor_command

PADDED = "conv2d-stride2-padding1"


@st.composite
def convolution_cases(draw):
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    padding = draw(st.integers(0, min(kernel) - 1))
    image = (
        draw(st.integers(max(1, kernel[0] - 2 * padding), 7)),
        draw(st.integers(max(1, kernel[1] - 2 * padding), 7)),
    )
    return image, kernel, draw(st.integers(1, 3)), padding


@settings(max_examples=150, deadline=None)
@given(convolution_cases(), st.integers(0, 2**32 - 1))
def test_the_map_is_the_engines_convolution_entry_by_entry(case, seed):
    image_shape, kernel_shape, stride, padding = case
    generator = np.random.default_rng(seed)
    X = generator.permutation(np.arange(1.0, 1 + np.prod(image_shape))).reshape(image_shape)  # distinct entries
    K = generator.permutation(np.arange(1.0, 1 + np.prod(kernel_shape))).reshape(kernel_shape) * 100
    value, derivatives = apply("conv2d", [X, K, np.asarray(stride), np.asarray(padding)])
    by_input, by_kernel = derivatives[:2]
    assert isinstance(by_input, ConvInput) and isinstance(by_kernel, ConvKernel)
    found = touches(image_shape, kernel_shape, stride, padding)

    # the Jacobians built from the map are the engine's, entry by entry
    from_map_input = np.zeros(value.shape + image_shape)
    from_map_kernel = np.zeros(value.shape + kernel_shape)
    for touch in found:
        if touch.input is not None:
            from_map_input[touch.output + touch.input] += K[touch.kernel]
            from_map_kernel[touch.output + touch.kernel] += X[touch.input]
    np.testing.assert_array_equal(from_map_input, by_input.jacobian(image_shape, value.shape))
    np.testing.assert_array_equal(from_map_kernel, by_kernel.jacobian(kernel_shape, value.shape))

    # each output entry has one product per kernel entry; those on the padding are the zeros the engine padded X with
    mask = np.pad(np.ones(image_shape), padding)  # 1 on X, 0 on the padding
    for i, j in np.ndindex(value.shape):
        products = [touch for touch in found if touch.output == (i, j)]
        assert sorted(touch.kernel for touch in products) == sorted(np.ndindex(kernel_shape))
        window = mask[stride * i : stride * i + kernel_shape[0], stride * j : stride * j + kernel_shape[1]]
        assert sum(touch.input is None for touch in products) == window.size - window.sum()
        assert sum(X[t.input] * K[t.kernel] for t in products if t.input is not None) == value[i, j]


@settings(max_examples=60, deadline=None)
@given(convolution_cases(), st.integers(40, 100))
def test_every_view_names_each_product_once_within_its_width(case, width):
    image_shape, kernel_shape, stride, padding = case
    convolution = Convolution("Z", "X", "K", image_shape, kernel_shape, stride, padding)
    products = len(convolution.touches())
    real = sum(touch.input is not None for touch in convolution.touches())
    by_output = "\n".join(convolution.by_output(width)[1:])
    by_input = "\n".join(convolution.by_input(width)[1:])
    by_kernel = "\n".join(convolution.by_kernel(width)[1:])
    assert by_output.count("·") == products and by_kernel.count("·") == products
    assert by_input.count("·") == real  # the padding feeds nothing back
    for lines in (convolution.by_output(width)[1:], convolution.by_input(width)[1:], convolution.by_kernel(width)[1:]):
        assert all(len(line) <= width for line in lines), lines
    assert ("0: padding" in convolution.by_output(width)[0]) == bool(padding)


def test_names_ending_in_a_digit_or_sides_past_nine_keep_brackets():
    assert Convolution("Z1", "X", "K", (3, 3), (2, 2), 1, 0).by_output(80)[1].startswith("Z1[1,1] = X11·K11 + ")
    assert Convolution("Z", "X", "K", (10, 3), (2, 2), 1, 0).by_output(80)[1].startswith("Z[1,1] = X[1,1]·K[1,1] + ")


def test_stride_two_with_padding_one_reads_as_the_exercise_describes_it():
    solution = Session(resolve_exercise(PADDED)).solution
    [convolution] = convolutions(solution)
    assert (convolution.input_shape, convolution.kernel_shape, convolution.stride, convolution.padding) == (
        (3, 3),
        (2, 2),
        2,
        1,
    )
    assert list(convolution.by_output(78)) == [
        "Y = conv2d(X, K), stride 2, padding 1 (0: padding)",
        "Y11 = 0·K11 + 0·K12 + 0·K21 + X11·K22",  # the description's y11 = X11·K22, its zeros said
        "Y12 = 0·K11 + 0·K12 + X12·K21 + X13·K22",
        "Y21 = 0·K11 + X21·K12 + 0·K21 + X31·K22",
        "Y22 = X22·K11 + X23·K12 + X32·K21 + X33·K22",
    ]
    assert list(convolution.by_input(78)[1:]) == [
        "X11 → Y11·K22   X12 → Y12·K21   X13 → Y12·K22   X21 → Y21·K12   X22 → Y22·K11",
        "X23 → Y22·K12   X31 → Y21·K22   X32 → Y22·K21   X33 → Y22·K22",
    ]


def test_a_stride_past_the_kernel_says_which_inputs_feed_nothing():
    lines = Convolution("Z", "X", "K", (3, 3), (1, 1), 2, 0).by_input(80)
    assert lines[-1] == "no output from X12, X21, X22, X23, X32"  # only the corners are under the kernel


def walk_to(session: Session, quantity: str) -> None:
    while str(session.step.quantity) != quantity:
        session.answer(right_answer(session))


def test_the_given_text_shows_the_view_each_step_needs():
    session = Session(resolve_exercise(PADDED))
    walk_to(session, "value.L")  # not through the convolution: nothing about it
    assert "conv2d" not in given_text(session, 78) and "→" not in given_text(session, 78)
    walk_to(session, "grad.K")
    assert "K11 → Y11·0 Y12·0 Y21·0 Y22·X22" in given_text(session, 78)
    walk_to(session, "grad.X")
    assert "X22 → Y22·K11" in given_text(session, 78)


def test_tutor_solve_prints_which_kernel_entries_touch_which_input_entries():
    result = tutor_command("solve", PADDED, columns=80)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("Which kernel entries touch which input entries")
    assert lines[start + 1 : start + 3] == [
        "Y = conv2d(X, K), stride 2, padding 1 (0: padding)",
        "Y11 = 0·K11 + 0·K12 + 0·K21 + X11·K22",
    ]
    assert "X22 → Y22·K11" in result.stdout and "K22 → Y11·X11 Y12·X13 Y21·X31 Y22·X33" in result.stdout
    assert "Which kernel entries" not in tutor_command("solve", "network-3-2-1-sigmoid", columns=80).stdout
