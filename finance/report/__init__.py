"""The board pack: Excel workbook, CSV, HTML report and chart images, with upload text made safe."""
