package mote.flash;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import mote.diag.ToolError;

/**
 * A GDB server's memory map ({@code qXfer:memory-map:read}, GDB manual "Memory Map Format"):
 * which ranges are RAM, ROM or flash, and each flash range's erase block size. gdb's
 * {@code load} follows it, and so does {@code mote flash --probe gdb=...}: flash is written
 * only with the flash commands, in whole erase blocks; RAM with plain memory writes.
 *
 * <pre>{@code
 * <memory-map>
 *   <memory type="flash" start="0x0" length="0x40000"><property name="blocksize">0x400</property></memory>
 *   <memory type="ram" start="0x20000000" length="0x10000"/>
 * </memory-map>
 * }</pre>
 */
public record MemoryMap(List<Region> regions) {
    /** {@code type} is {@code ram}, {@code rom} or {@code flash}; {@code blockSize} is 0 except for flash. */
    public record Region(String type, long start, long length, long blockSize) {
        public long end() { return start + length; }

        public boolean holds(long from, long to) { return from >= start && to <= end(); }

        public boolean flash() { return type.equals("flash"); }
    }

    public MemoryMap {
        regions = List.copyOf(regions);
    }

    /** The region holding all of {@code [from, to)}, if one does. */
    public Optional<Region> regionOf(long from, long to) {
        return regions.stream().filter(r -> r.holds(from, to)).findFirst();
    }

    /** Parses the XML; the DTD it names is never fetched. */
    public static MemoryMap parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            Document document = builder.parse(new InputSource(new StringReader(xml)));
            NodeList memories = document.getElementsByTagName("memory");
            List<Region> regions = new ArrayList<>();
            for (int i = 0; i < memories.getLength(); i++) {
                Element memory = (Element) memories.item(i);
                String type = memory.getAttribute("type").toLowerCase(Locale.ROOT);
                long start = number(memory.getAttribute("start"));
                long length = number(memory.getAttribute("length"));
                long blockSize = 0;
                NodeList properties = memory.getElementsByTagName("property");
                for (int p = 0; p < properties.getLength(); p++) {
                    Element property = (Element) properties.item(p);
                    if (property.getAttribute("name").equals("blocksize")) blockSize = number(property.getTextContent().strip());
                }
                if (type.equals("flash") && blockSize <= 0) {
                    throw new ToolError("the GDB server's memory map has a flash region at 0x" + Long.toHexString(start)
                            + " without a block size");
                }
                regions.add(new Region(type, start, length, blockSize));
            }
            return new MemoryMap(regions);
        } catch (ToolError e) {
            throw e;
        } catch (Exception e) {
            throw new ToolError("the GDB server sent a memory map that is not valid XML: " + e.getMessage());
        }
    }

    private static long number(String text) {
        String t = text.strip();
        return t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
    }
}
