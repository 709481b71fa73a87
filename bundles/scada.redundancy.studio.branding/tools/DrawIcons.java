import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;

import javax.imageio.ImageIO;

/**
 * Draws Duplex Studio's window icons and About image (run once, the PNGs are committed):
 * java tools/DrawIcons.java icons
 * Two servers stacked, the upper one the primary (green), the lower one its backup (amber),
 * joined by the heartbeat line.
 */
public class DrawIcons {
    public static void main(String[] args) throws IOException {
        File dir = new File(args.length > 0 ? args[0] : "icons");
        dir.mkdirs();
        for (int size : new int[] { 16, 32, 48, 64, 128 }) {
            BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = image.createGraphics();
            drawIcon(g, size);
            g.dispose();
            ImageIO.write(image, "png", new File(dir, "duplex" + size + ".png"));
        }
        BufferedImage about = new BufferedImage(115, 164, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = about.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(0x1f, 0x3a, 0x5f), 0, 164, new Color(0x0d, 0x1b, 0x2a)));
        g.fillRect(0, 0, 115, 164);
        g.translate(13, 14);
        drawIcon(g, 89);
        g.translate(-13, -14);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        centre(g, "Duplex", 57, 128);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        centre(g, "Studio", 57, 148);
        g.dispose();
        ImageIO.write(about, "png", new File(dir, "about.png"));
    }

    private static void centre(Graphics2D g, String text, int x, int y) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, y);
    }

    private static void drawIcon(Graphics2D g, int size) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        double s = size / 16.0;
        g.setColor(new Color(0x24, 0x5d, 0x9a));
        g.fill(new RoundRectangle2D.Double(0, 0, size, size, 4 * s, 4 * s));
        // two servers
        drawServer(g, s, 2.0, new Color(0x3c, 0xc8, 0x5a));
        drawServer(g, s, 9.0, new Color(0xf0, 0xa8, 0x30));
        // the heartbeat between them, on the right edge
        if (size >= 32) {
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke((float) Math.max(1, s * 0.6), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D beat = new Path2D.Double();
            beat.moveTo(14.2 * s, 6.8 * s);
            beat.lineTo(14.2 * s, 7.6 * s);
            beat.lineTo(13.4 * s, 8.0 * s);
            beat.lineTo(14.9 * s, 8.4 * s);
            beat.lineTo(14.2 * s, 8.8 * s);
            beat.lineTo(14.2 * s, 9.2 * s);
            g.draw(beat);
        }
    }

    private static void drawServer(Graphics2D g, double s, double top, Color led) {
        g.setColor(Color.WHITE);
        g.fill(new RoundRectangle2D.Double(2 * s, top * s, 10.5 * s, 5 * s, 1.5 * s, 1.5 * s));
        g.setColor(new Color(0x24, 0x5d, 0x9a));
        g.fill(new RoundRectangle2D.Double(4 * s, (top + 2) * s, 4.5 * s, 1 * s, 0.5 * s, 0.5 * s));
        g.setColor(led);
        g.fill(new java.awt.geom.Ellipse2D.Double(9.5 * s, (top + 1.6) * s, 1.8 * s, 1.8 * s));
    }
}
