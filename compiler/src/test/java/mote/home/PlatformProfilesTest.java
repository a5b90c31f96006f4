package mote.home;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * pom.xml's profiles choose the bytedeco LLVM artifact by host, without building on each host:
 * every profile's activation (the OS family and the JVM's os.arch) names the platform
 * {@link Platform} computes for that host, every supported platform has a profile (or is the
 * default), and bytedeco builds LLVM for each: its llvm-platform POM, which Maven fetched
 * (only the POM) as a test dependency, lists each as a classifier.
 */
class PlatformProfilesTest {
    /** What the JVM reports as os.name for a Maven OS family. */
    private static final Map<String, String> OS_NAME = Map.of("unix", "Linux", "mac", "Mac OS X", "windows", "Windows 11");

    @Test
    void eachProfileChoosesTheArtifactOfTheHostItActivatesOn() throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(MoteHome.get().resolve("pom.xml").toFile()).getDocumentElement();
        String defaultPlatform = text(child(project, "properties"), "javacpp.platform");
        assertEquals("linux-x86_64", defaultPlatform);
        Map<String, String> chosen = new TreeMap<>();
        chosen.put(defaultPlatform, "default");
        NodeList profiles = project.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            String id = text(profile, "id");
            Element os = child(child(profile, "activation"), "os");
            String platform = text(child(profile, "properties"), "javacpp.platform");
            Platform host = Platform.of(OS_NAME.get(text(os, "family")), text(os, "arch"));
            assertEquals(host.javacppName(), platform, "profile " + id + " activates on " + host);
            assertEquals(id, platform, "a profile is named after its platform");
            chosen.put(platform, id);
        }
        assertEquals(new TreeMap<>(Map.of("linux-x86_64", "default", "linux-arm64", "linux-arm64", "macosx-x86_64", "macosx-x86_64",
                "macosx-arm64", "macosx-arm64", "windows-x86_64", "windows-x86_64")), chosen);
        assertEquals(List.copyOf(chosen.keySet()), Platform.SUPPORTED.stream().sorted().toList());
    }

    @Test
    void bytedecoBuildsLlvmForEverySupportedPlatform() throws Exception {
        String m2 = System.getProperty("mote.m2");
        assertTrue(m2 != null && !m2.isBlank(), "Surefire passes the local Maven repository as mote.m2");
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(MoteHome.get().resolve("pom.xml").toFile()).getDocumentElement();
        String version = text(child(project, "properties"), "llvm.version");
        Path pom = Path.of(m2, "org", "bytedeco", "llvm-platform", version, "llvm-platform-" + version + ".pom");
        assertTrue(Files.isRegularFile(pom), pom + " (a test dependency of the compiler module)");
        Matcher m = Pattern.compile("<classifier>\\$\\{javacpp\\.platform\\.([a-z0-9_-]+)}</classifier>").matcher(Files.readString(pom));
        List<String> built = new ArrayList<>();
        while (m.find()) built.add(m.group(1));
        for (String platform : Platform.SUPPORTED) assertTrue(built.contains(platform), platform + " in " + built);
    }

    private static Element child(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagName(name);
        assertTrue(nodes.getLength() > 0, "<" + name + "> in <" + parent.getTagName() + ">");
        return (Element) nodes.item(0);
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent().strip();
    }
}
