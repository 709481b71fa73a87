package scada.redundancy.runtime.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import scada.redundancy.runtime.link.LinkProtocol;

/**
 * A SCADA project's files in memory, for a deployment: relative '/'-separated paths to contents.
 * A project travels whole in one frame of the redundancy link, Base64-encoded beside the
 * configuration, so its size is bounded by {@link #MAX_PROJECT_BYTES}: a plant's tags, screens
 * and scripts are text of a few kilobytes to a few hundred.
 * <p>
 * Not part of a deployed project: hidden files and folders (a studio's {@code .project} and
 * {@code .settings}, a {@code .git}) and redundancy configuration files ({@code *.scadaredundancy}):
 * each server gets its own configuration beside the project, and the SCADA project in the studio
 * is usually the folder that holds the edited one.
 */
public final class ProjectFiles {
    /** The most a project may hold (every file's bytes): its Base64 form and a configuration fit one link frame. */
    public static final int MAX_PROJECT_BYTES = LinkProtocol.MAX_FRAME_BYTES / 2;
    /** The most files a project may hold. */
    public static final int MAX_FILES = 5000;

    private ProjectFiles() {
    }

    /** Every regular file under {@code dir}; refused when the project is larger than the limits. */
    public static SortedMap<String, byte[]> read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a directory: give the SCADA project's folder");
        }
        SortedMap<String, byte[]> files = new TreeMap<>();
        long total = 0;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                String name = dir.relativize(f).toString().replace('\\', '/');
                if (!deployed(name)) {
                    continue;
                }
                total += Files.size(f);
                if (total > MAX_PROJECT_BYTES) {
                    throw new IOException(dir + ": the project is larger than " + MAX_PROJECT_BYTES / 1024
                            + " KiB (at " + name + "): a deployment carries the project in one frame of the redundancy "
                            + "link; copy a project this large to the servers by other means and deploy without --project");
                }
                if (files.size() == MAX_FILES) {
                    throw new IOException(dir + ": the project has more than " + MAX_FILES + " files");
                }
                files.put(name, Files.readAllBytes(f));
            }
        }
        return Collections.unmodifiableSortedMap(files);
    }

    /** Whether a file of the project folder is deployed with it (see the class comment). */
    public static boolean deployed(String name) {
        for (String part : name.split("/")) {
            if (part.startsWith(".")) {
                return false;
            }
        }
        return !name.endsWith("." + scada.redundancy.model.ConfigurationFile.FILE_EXTENSION);
    }

    /**
     * The fingerprint of these files written to a folder, exactly as
     * {@link scada.redundancy.runtime.link.Fingerprints#ofProject} computes it there (the same
     * order: the paths' order, the same bytes), so that the servers' handshake and Verify see
     * the value the deployment names.
     */
    public static String fingerprint(SortedMap<String, byte[]> files) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            List<String> names = new java.util.ArrayList<>(files.keySet());
            names.sort(java.util.Comparator.comparing(Path::of));
            for (String name : names) {
                digest.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(files.get(name));
                digest.update((byte) 0);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Why {@code name} cannot be a project file's path (absolute, with {@code ..}, empty parts,
     * backslashes or control characters), or null when it can: a deployment's paths come from the
     * network and must stay inside the project folder.
     */
    public static String badPath(String name) {
        if (name == null || name.isEmpty()) {
            return "an empty file name";
        }
        if (name.startsWith("/") || name.contains("\\") || name.chars().anyMatch(Character::isISOControl)) {
            return "\"" + LinkProtocol.peerText(name, 80) + "\" is not a relative path with '/'";
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return "\"" + LinkProtocol.peerText(name, 80) + "\" leaves the project folder or has an empty part";
            }
        }
        return null;
    }

    /** Writes the files into {@code dir} (made if missing). */
    public static void write(SortedMap<String, byte[]> files, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (var e : files.entrySet()) {
            String why = badPath(e.getKey());
            if (why != null) {
                throw new IOException("project file " + why);
            }
            Path target = dir.resolve(e.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, e.getValue());
        }
    }

    /**
     * The hidden sibling a deployment renames a project folder to while it puts the new one in its
     * place ({@code .NAME.WHY-RANDOM}); {@link #recoverSwap} knows it by that name.
     */
    public static Path aside(Path dir, String why, String random) {
        Path abs = dir.toAbsolutePath();
        return abs.resolveSibling("." + abs.getFileName() + "." + why + "-" + random);
    }

    /**
     * Finishes a project swap that a crash cut between its two renames (the old folder renamed
     * aside, the new one not yet in place): with no project folder and one folder set aside as
     * "previous", that one is put back. Run before a server reads its project.
     *
     * @return what was done, for the log, or null when nothing needed doing
     * @throws IOException the folder set aside cannot be put back (the message says where it is)
     */
    public static String recoverSwap(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.exists(abs) || abs.getParent() == null || !Files.isDirectory(abs.getParent())) {
            return null;
        }
        String prefix = "." + abs.getFileName() + ".previous-";
        List<Path> aside;
        try (Stream<Path> list = Files.list(abs.getParent())) {
            aside = list.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p)).toList();
        }
        if (aside.size() != 1) {
            return aside.isEmpty() ? null : "the project folder " + abs + " is missing and " + aside.size()
                    + " earlier ones were set aside by interrupted deployments (" + aside
                    + "): rename the one to run back to " + abs.getFileName();
        }
        try {
            Files.move(aside.get(0), abs, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IOException("the project folder " + abs + " is missing after an interrupted deployment and "
                    + aside.get(0) + " cannot be put back: " + e.getMessage() + ". Rename it to " + abs.getFileName(), e);
        }
        return "the project folder " + abs + " was missing after an interrupted deployment: the previous one ("
                + aside.get(0).getFileName() + ") is back in place";
    }

    /** Deletes a folder and everything in it; nothing when it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
