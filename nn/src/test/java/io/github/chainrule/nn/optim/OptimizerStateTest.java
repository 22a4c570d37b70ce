package io.github.chainrule.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.chainrule.autodiff.Tensor;
import io.github.chainrule.nn.init.RandomTensors;
import io.github.chainrule.nn.layers.Linear;
import io.github.chainrule.nn.layers.Sequential;
import io.github.chainrule.nn.module.Module;
import io.github.chainrule.nn.module.Parameter;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** State per parameter by name, saved and restored; parameter groups; updates that allocate nothing. */
public class OptimizerStateTest {
  /** Every optimiser and the options that give it state to keep. */
  public static Stream<Arguments> optimizers() {
    return Stream.of(
        Arguments.of("sgd", (Function<Module, Optimizer>) m -> Sgd.builder(0.05).weightDecay(0.01).build(m)),
        Arguments.of("momentum", (Function<Module, Optimizer>) m -> Sgd.builder(0.05).momentum(0.9).dampening(0.1).build(m)),
        Arguments.of("nesterov", (Function<Module, Optimizer>) m -> Sgd.builder(0.05).momentum(0.9).nesterov(true).build(m)),
        Arguments.of("adam", (Function<Module, Optimizer>) m -> Adam.builder(0.05).weightDecay(0.01).build(m)),
        Arguments.of("amsgrad", (Function<Module, Optimizer>) m -> Adam.builder(0.05).amsgrad(true).build(m)),
        Arguments.of("adamw", (Function<Module, Optimizer>) m -> Adam.adamW(0.05).build(m)),
        Arguments.of("rmsprop", (Function<Module, Optimizer>) m -> RmsProp.builder(0.01).momentum(0.5).centered(true).build(m)),
        Arguments.of("adagrad", (Function<Module, Optimizer>) m -> Adagrad.builder(0.1).lrDecay(0.01).initialAccumulatorValue(0.1).build(m)));
  }

  static Sequential net(long seed) {
    return new Sequential(new Linear(3, 4, seed), new Linear(4, 2, seed + 1));
  }

  static final Tensor X = RandomTensors.uniform(3, -1, 1, 5, 3);

  static void steps(Module m, Optimizer opt, int n) {
    for (int s = 0; s < n; s++) {
      opt.zeroGrad();
      m.forward(X).tanh().square().sum().backward();
      opt.step();
    }
  }

  static void assertSameBits(Module expected, Module actual) {
    for (Parameter p : expected.parameters()) {
      double[] a = p.data();
      double[] b = actual.parameter(p.name()).data();
      for (int i = 0; i < a.length; i++) {
        assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), p.name() + "[" + i + "]");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void stateLoadedIntoAFreshOptimizerContinuesBitForBit(String name, Function<Module, Optimizer> make) {
    Sequential straight = net(7);
    steps(straight, make.apply(straight), 12);

    Sequential first = net(7);
    Optimizer before = make.apply(first);
    steps(first, before, 5);
    OptimizerState saved = before.stateDict();
    Sequential second = net(99);   // other initial weights, overwritten below
    second.load(first.stateDict());
    Optimizer after = make.apply(second);
    after.loadStateDict(saved);
    assertEquals(5, after.steps());
    steps(second, after, 7);
    assertSameBits(straight, second);
  }

  @Test
  void stateIsKeyedByParameterNameWithTorchsBufferNames() {
    Sequential m = net(1);
    Adam adam = Adam.builder(0.1).amsgrad(true).build(m);
    steps(m, adam, 3);
    OptimizerState s = adam.stateDict();
    assertEquals("Adam", s.type());
    assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), List.copyOf(s.parameters().keySet()));
    OptimizerState.Entry w = s.parameters().get("0.weight");
    assertEquals(3, w.step());
    assertEquals(List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"), List.copyOf(w.buffers().keySet()));
    assertArrayEquals(new int[] {4, 3}, w.buffers().get("exp_avg").shape());
    assertEquals(0.9, s.settings().get("beta1"));
    // A copy: stepping on does not change what was saved.
    double saved = w.buffers().get("exp_avg").data()[0];
    steps(m, adam, 1);
    assertEquals(saved, s.parameters().get("0.weight").buffers().get("exp_avg").data()[0]);
  }

  @Test
  void stateThatDoesNotMatchIsRefusedNamingTheParameterOrSetting() {
    Sequential m = net(1);
    Adam adam = Adam.builder(0.1).build(m);
    steps(m, adam, 1);
    OptimizerState s = adam.stateDict();

    Sequential wider = new Sequential(new Linear(3, 5, 1), new Linear(5, 2, 2));
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> Adam.builder(0.1).build(wider).loadStateDict(s));
    assertEquals("Adam.loadStateDict: buffer exp_avg of parameter 0.weight has shape [4,3], the parameter [5,3]",
        shape.getMessage());

    Linear other = new Linear(3, 2, 1);
    IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
        () -> Adam.builder(0.1).build(other).loadStateDict(s));
    assertEquals("Adam.loadStateDict: parameter 0.weight is in group 0 of the state, but not of this optimizer"
        + " (whose group 0 holds [weight, bias])", names.getMessage());

    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> Adam.adamW(0.1).build(net(1)).loadStateDict(s));
    assertEquals("AdamW.loadStateDict: the state is of Adam, this optimizer is AdamW", type.getMessage());

    IllegalArgumentException setting = assertThrows(IllegalArgumentException.class,
        () -> Adam.builder(0.1).betas(0.8, 0.999).build(net(1)).loadStateDict(s));
    assertEquals("Adam.loadStateDict: the state has beta1 = 0.9, this optimizer 0.8", setting.getMessage());
  }

  @Test
  void groupsHaveTheirOwnLearningRateAndWeightDecay() {
    // One optimiser over two groups moves each exactly as a separate optimiser with the group's settings would.
    Sequential grouped = net(3);
    Sgd both = Sgd.builder(0.05).momentum(0.9).build(ParamGroup.of(grouped, "0"),
        ParamGroup.of(grouped, "1").lr(0.2).weightDecay(0.5));
    Sequential separate = net(3);
    Sgd head = Sgd.builder(0.05).momentum(0.9).build(separate.children().get("0").parameters());
    Sgd tail = Sgd.builder(0.2).momentum(0.9).weightDecay(0.5).build(separate.children().get("1").parameters());
    for (int s = 0; s < 6; s++) {
      both.zeroGrad();
      grouped.forward(X).tanh().square().sum().backward();
      both.step();
      head.zeroGrad();
      tail.zeroGrad();
      separate.forward(X).tanh().square().sum().backward();
      head.step();
      tail.step();
    }
    assertSameBits(separate, grouped);
    assertEquals(0.05, both.lr(0));
    assertEquals(0.2, both.lr(1));
    assertEquals(0.5, both.weightDecay(1));
    assertEquals(0.0, both.weightDecay(0));
  }

  @Test
  void aScheduleScalesEachGroupFromItsOwnLearningRate() {
    Sequential m = net(3);
    Sgd opt = Sgd.builder(0.1).build(ParamGroup.of(m, "0"), ParamGroup.of(m, "1").lr(1.0));
    LrSchedule s = LrSchedule.step(opt, 1, 0.5);
    s.step();
    s.step();
    assertEquals(0.025, opt.lr(0));
    assertEquals(0.25, opt.lr(1));
    s.seek(1);
    assertEquals(0.05, opt.lr(0));
    assertEquals(0.5, opt.lr(1));
  }

  @Test
  void aParameterNameUsedTwiceIsRefusedBecauseStateIsKeyedByName() {
    Linear a = new Linear(1, 1);
    Linear b = new Linear(1, 1);
    List<Parameter> both = new java.util.ArrayList<>(a.parameters());
    both.addAll(b.parameters());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sgd.builder(0.1).build(both));
    assertTrue(e.getMessage().startsWith("SGD: two parameters are named weight"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void aStepAllocatesNothingOnceEachParameterHasItsState(String name, Function<Module, Optimizer> make) {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean
        && ((com.sun.management.ThreadMXBean) bean).isThreadAllocatedMemoryEnabled(), "no per-thread allocation counter");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
    Sequential m = net(1);
    // A tiny rate so that thousands of steps stay finite; the gradients are computed once.
    Optimizer opt = make.apply(m);
    opt.setLr(1e-9);
    m.forward(X).tanh().square().sum().backward();
    int steps = 2_000;
    for (int i = 0; i < steps; i++) {
      opt.step();
    }
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < steps; i++) {
      opt.step();
    }
    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
    // The smallest object is 16 bytes: any allocation per step would give at least 16·steps.
    assertTrue(allocated < steps, name + ": " + allocated + " bytes over " + steps + " steps");
  }
}
