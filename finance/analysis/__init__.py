"""Questions asked of the model: the fee sweep, sensitivity, option comparison and the figures each page shows."""
