package dev.pagelab.web;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven by Selenium for the browser tests: Debian's {@code chromium} and
 * {@code chromium-driver} at their fixed paths (or {@code PAGELAB_CHROMIUM} and
 * {@code PAGELAB_CHROMEDRIVER}), named explicitly so that Selenium Manager never looks for or
 * downloads a browser. A fresh profile and download folder in a temporary directory, removed at
 * close; the console is kept so that tests can check it for errors (CSP violations show there).
 *
 * <p>When the browser or the driver is missing, {@link #start} skips the calling tests with one
 * line saying how to install them, except under CI (the {@code CI} environment variable set),
 * where a missing browser fails them: the browser tests are never skipped in CI.
 */
final class BrowserSession implements AutoCloseable {
    private static final String INSTALL = "apt-get install chromium chromium-driver";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final WebDriver driver;
    private final Path home;
    private final Path downloads;

    private BrowserSession(WebDriver driver, Path home, Path downloads) {
        this.driver = driver;
        this.home = home;
        this.downloads = downloads;
    }

    /** Starts the browser, or skips (fails under CI) when it is not installed. */
    static BrowserSession start(int width, int height) {
        Path chromium = Path.of(env("PAGELAB_CHROMIUM", "/usr/bin/chromium"));
        Path chromedriver = Path.of(env("PAGELAB_CHROMEDRIVER", "/usr/bin/chromedriver"));
        boolean present = Files.isExecutable(chromium) && Files.isExecutable(chromedriver);
        if (!present) {
            String line = "browser tests need " + chromium + " and " + chromedriver + ": " + INSTALL;
            if (System.getenv("CI") != null) {
                fail(line + " (CI is set: the browser tests are never skipped there)");
            }
            System.err.println("skipped: " + line);
            Assumptions.abort(line);
        }
        try {
            Path home = Files.createTempDirectory("pagelab-browser");
            Path downloads = Files.createDirectories(home.resolve("downloads"));
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--hide-scrollbars", "--user-data-dir=" + home.resolve("profile"),
                    "--window-size=" + width + "," + height);
            Map<String, Object> prefs = new HashMap<>();
            prefs.put("download.default_directory", downloads.toString());
            prefs.put("download.prompt_for_download", false);
            options.setExperimentalOption("prefs", prefs);
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(chromedriver.toString())).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().window().setSize(new Dimension(width, height));
            return new BrowserSession(driver, home, downloads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary profile for the browser", e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    WebDriver driver() {
        return driver;
    }

    Path downloads() {
        return downloads;
    }

    WebDriverWait waiting() {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(50));
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** The console's messages since the last call, at level SEVERE, as "level message". */
    List<String> severeConsole() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                out.add(e.getLevel() + " " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * Saves the page from its top as target/screenshots/NAME.png, the window grown to show up to
     * maxHeight pixels of the page; returns the file.
     */
    Path screenshot(String name, int width, int maxHeight) {
        script("window.scrollTo(0, 0)");
        Number pageHeight = (Number) script("return document.documentElement.scrollHeight");
        int height = Math.min(maxHeight, Math.max(600, pageHeight.intValue()));
        Dimension before = driver.manage().window().getSize();
        boolean resize = before.getWidth() != width || before.getHeight() != height;
        if (resize) {
            driver.manage().window().setSize(new Dimension(width, height));
        }
        try {
            if (resize) {
                // let the page redraw at the new size (a resize redraws after 150 ms)
                Thread.sleep(500);
            }
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Path dir = Files.createDirectories(Path.of("target", "screenshots"));
            Path file = dir.resolve(name + ".png");
            Files.write(file, png);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the screenshot " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while taking the screenshot " + name, e);
        } finally {
            if (resize) {
                driver.manage().window().setSize(before);
            }
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not remove the browser's temporary folder " + home + ": " + e.getMessage());
            }
        }
    }
}
