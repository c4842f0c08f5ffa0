package io.refinevad.operator.it;

import java.io.StringWriter;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A standalone SVG written element by element. The JDK's XML writer escapes every text and attribute value (the
 * labels come from Prometheus), so nothing here builds markup by hand. Attributes are name/value pairs; a double
 * value is written with one decimal, which is finer than a pixel needs. One element per line, for readable diffs
 * of a committed picture.
 */
final class SvgDocument {

    private static final String NAMESPACE = "http://www.w3.org/2000/svg";
    private final StringWriter text = new StringWriter();
    private final XMLStreamWriter xml;

    /** The document with a white background and a system sans-serif font (no external fonts or images). */
    SvgDocument(int width, int height) {
        try {
            xml = XMLOutputFactory.newInstance().createXMLStreamWriter(text);
            xml.writeStartElement("svg");
            xml.writeDefaultNamespace(NAMESPACE);
            attributes("width", width, "height", height, "viewBox", "0 0 " + width + " " + height,
                    "font-family", "sans-serif", "font-size", 11);
            xml.writeCharacters("\n");
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        element("rect", "width", "100%", "height", "100%", "fill", "white");
    }

    /** An element without content. */
    SvgDocument element(String name, Object... attributes) {
        return write(() -> {
            xml.writeEmptyElement(name);
            attributes(attributes);
            xml.writeCharacters("\n");
        });
    }

    /** An element holding text: a text element, or a title (the tooltip a browser shows). */
    SvgDocument text(String name, String content, Object... attributes) {
        return write(() -> {
            xml.writeStartElement(name);
            attributes(attributes);
            xml.writeCharacters(content);
            xml.writeEndElement();
            xml.writeCharacters("\n");
        });
    }

    /** Starts a group, ended by {@link #close()}. */
    SvgDocument group(Object... attributes) {
        return write(() -> {
            xml.writeStartElement("g");
            attributes(attributes);
            xml.writeCharacters("\n");
        });
    }

    SvgDocument close() {
        return write(() -> {
            xml.writeEndElement();
            xml.writeCharacters("\n");
        });
    }

    /** The finished document; the root element is closed here. */
    String finish() {
        write(() -> {
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        });
        return text.toString();
    }

    private void attributes(Object... pairs) throws XMLStreamException {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name/value pairs");
        }
        for (int i = 0; i < pairs.length; i += 2) {
            Object value = pairs[i + 1];
            xml.writeAttribute((String) pairs[i], value instanceof Double number
                    ? String.format(Locale.ROOT, "%.1f", number) : String.valueOf(value));
        }
    }

    /** Writing to a StringWriter fails only on misuse (an unbalanced close), a bug in the caller. */
    private SvgDocument write(XmlStep step) {
        try {
            step.run();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    private interface XmlStep {
        void run() throws XMLStreamException;
    }
}
