/**
 * Neural-network building blocks on the autodiff core. The sub-packages follow the data's path:
 * <ul>
 *   <li>{@code module}: {@link io.github.chainrule.nn.module.Module} and its named parameters;</li>
 *   <li>{@code layers}: Linear, Sequential, the MLP builder and activations;</li>
 *   <li>{@code init}: seeded, bit-reproducible initialisers;</li>
 *   <li>{@code loss}: losses with mean or sum reduction;</li>
 *   <li>{@code optim}: optimisers with torch.optim semantics, schedules, gradient clipping;</li>
 *   <li>{@code data}: in-memory datasets (arrays, CSV) and mini-batches;</li>
 *   <li>{@code train}: the training loop, its history and its errors;</li>
 *   <li>{@code io}: safetensors weight files.</li>
 * </ul>
 */
package io.github.chainrule.nn;
