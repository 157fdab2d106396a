package dev.pagelab.cli.sweep;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws {@link SweepCharts.Chart}s with XChart: each as {@code NAME.png} (Java2D, 1000 × 600) and
 * {@code NAME.svg} (VectorGraphics2D), from the same chart object. Runs headless: no display is
 * needed or used.
 */
public final class ChartFiles {
    static final int WIDTH = 1000;
    static final int HEIGHT = 600;

    private ChartFiles() {
    }

    /** Writes every chart into {@code dir}; returns the files written, PNG then SVG for each chart. */
    public static List<Path> write(List<SweepCharts.Chart> charts, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (SweepCharts.Chart chart : charts) {
            XYChart drawn = draw(chart);
            Path png = dir.resolve(chart.name() + ".png");
            try (OutputStream out = Files.newOutputStream(png)) {
                BitmapEncoder.saveBitmap(drawn, out, BitmapEncoder.BitmapFormat.PNG);
            }
            Path svg = dir.resolve(chart.name() + ".svg");
            try (OutputStream out = Files.newOutputStream(svg)) {
                VectorGraphicsEncoder.saveVectorGraphic(drawn, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            }
            files.add(png);
            files.add(svg);
        }
        return files;
    }

    private static XYChart draw(SweepCharts.Chart chart) {
        XYChart drawn = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(chart.title())
                .xAxisTitle(chart.xTitle()).yAxisTitle(chart.yTitle()).build();
        XYStyler styler = drawn.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setXAxisLogarithmic(chart.logX());
        styler.setXAxisDecimalPattern("#,###.##");
        styler.setYAxisDecimalPattern("#,##0.####");
        styler.setMarkerSize(6);
        for (SweepCharts.Series series : chart.series()) {
            XYSeries s = drawn.addSeries(series.name(), series.x(), series.y());
            if (series.markersOnly()) {
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                s.setMarker(SeriesMarkers.DIAMOND);
                s.setMarkerColor(Color.RED);
            } else if (series.x().length > 60) {
                // Long lines read better without a marker on every point.
                s.setMarker(SeriesMarkers.NONE);
            }
        }
        return drawn;
    }
}
