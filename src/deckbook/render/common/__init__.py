"""What both renderers say and measure the same way: labels, numbers, colours, font metrics."""
