/**
 * Async lowering: every async fn's {@link mote.async.StateMachine} (its states and the byte
 * layout of its state object), computed by {@link mote.async.AsyncLowering} with the rustc-
 * like layout as baseline and the enabled layout passes consulted through {@link
 * mote.async.LayoutPolicy}; {@link mote.async.LayoutVerifier} checks every layout.
 *
 * May import: mir, opt, types, diag. The order of all packages is checked by
 * PackageDependenciesTest.
 */
package mote.async;
