// The imports of ./chainrule jshell (after jshell's DEFAULT ones). Whole packages, so that every class
// of the library is at hand by its simple name; none of these names clash.
import io.github.chainrule.autodiff.*;
import io.github.chainrule.autodiff.inspect.*;
import io.github.chainrule.autodiff.expr.*;
import io.github.chainrule.nn.data.*;
import io.github.chainrule.nn.init.*;
import io.github.chainrule.nn.io.*;
import io.github.chainrule.nn.layers.*;
import io.github.chainrule.nn.loss.*;
import io.github.chainrule.nn.module.*;
import io.github.chainrule.nn.optim.*;
import io.github.chainrule.nn.train.*;
import io.github.chainrule.viz.dot.*;
import io.github.chainrule.viz.graph.*;
import io.github.chainrule.viz.plot.*;
import io.github.chainrule.viz.render.*;
import io.github.chainrule.viz.report.*;
