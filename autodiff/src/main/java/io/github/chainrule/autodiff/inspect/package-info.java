/**
 * Understanding gradients from the graph itself: what a gradient means ({@link
 * io.github.chainrule.autodiff.inspect.Explain}), a numerical check of every node's gradient,
 * intermediates included ({@link io.github.chainrule.autodiff.inspect.NodeCheck}), kinks ({@link
 * io.github.chainrule.autodiff.inspect.Kinks}), the first NaN or infinity with the line that made it
 * ({@link io.github.chainrule.autodiff.inspect.AnomalyMode}), gradient norms per layer and across
 * training steps ({@link io.github.chainrule.autodiff.inspect.GradientHealth}, {@link
 * io.github.chainrule.autodiff.inspect.GradientHistory}), and hidden units that can never be told
 * apart ({@link io.github.chainrule.autodiff.inspect.Symmetry}).
 *
 * <p>Everything here reads a finished graph and leaves it as it was: values, gradients and the
 * recording are never changed. Gradients are taken from a fresh backward pass that writes no {@code
 * grad} field (so accumulated or stale gradients cannot confuse an explanation), except in {@link
 * io.github.chainrule.autodiff.inspect.GradientHealth} and {@link
 * io.github.chainrule.autodiff.inspect.Symmetry}, which report the gradients the user's own pass left.
 * Results are records for code and tests; {@code toString()} gives the text for a terminal.
 */
package io.github.chainrule.autodiff.inspect;
