//! Pictures of stacks as SVG.
