package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.beans.BeanInfo;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.stream.Collectors;

import org.apache.jmeter.gui.util.MenuFactory;
import org.apache.jmeter.gui.util.MenuInfo;
import org.apache.jmeter.save.SaveService;
import org.apache.jmeter.testbeans.BeanInfoSupport;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.testbeans.TestBeanHelper;
import org.apache.jmeter.testbeans.gui.GenericTestBeanCustomizer;
import org.apache.jmeter.testbeans.gui.TestBeanGUI;
import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.testelement.property.JMeterProperty;
import org.apache.jmeter.util.JMeterUtils;
import org.apache.jorphan.collections.HashTree;
import org.apache.jorphan.collections.ListedHashTree;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.inferencebench.diagnostics.ClientBottleneckDetector;
import io.inferencebench.metrics.ServerMetricsListener;
import io.inferencebench.pacing.ConstantRpsTimer;
import io.inferencebench.python.PythonFactorySampler;
import io.inferencebench.report.ExcelSummaryListener;
import io.inferencebench.testsupport.EmbeddedJMeterHome;
import io.inferencebench.wave.WaveSummaryListener;

/**
 * Every element we ship, as JMeter's own GUI sees it, without a display: JMeter's MenuFactory scans our
 * jars as it scans lib/ext and must list each element in its category (a TestBean it cannot place is
 * logged as "Could not assign GUI class" and missing from the Add menu). Then, as apache/jmeter's own
 * TestBean check does for its elements, one generic pass over each element's bean info: every field
 * in a group, with a label, a tooltip and a default, and a .jmx save and load that keeps every value.
 */
class ElementsInJMeterMenuTest {
    /** Each element and the Add menu it belongs in. */
    static final Map<Class<? extends TestBean>, String> ELEMENTS = new LinkedHashMap<>();

    static {
        ELEMENTS.put(ConstantRpsTimer.class, MenuFactory.TIMERS);
        ELEMENTS.put(PythonFactorySampler.class, MenuFactory.SAMPLERS);
        ELEMENTS.put(io.inferencebench.openai.OpenAiStreamingSampler.class, MenuFactory.SAMPLERS);
        ELEMENTS.put(WaveSummaryListener.class, MenuFactory.LISTENERS);
        ELEMENTS.put(ClientBottleneckDetector.class, MenuFactory.LISTENERS);
        ELEMENTS.put(ServerMetricsListener.class, MenuFactory.LISTENERS);
        ELEMENTS.put(ExcelSummaryListener.class, MenuFactory.LISTENERS);
    }

    @BeforeAll
    static void jmeterScansOurJarsAsItScansLibExt() throws Exception {
        System.setProperty("java.awt.headless", "true");
        EmbeddedJMeterHome.initialise();
        // search_paths is JMeter's own setting for plugin jars outside lib/ext; JMeter's own jars are
        // scanned too, as in an installation, since MenuFactory expects every category to have items
        String ours = java.util.stream.Stream.concat(ELEMENTS.keySet().stream(), java.util.stream.Stream.of(
                        org.apache.jmeter.testelement.TestPlan.class,
                        org.apache.jmeter.timers.ConstantTimer.class,
                        org.apache.jmeter.protocol.http.sampler.HTTPSamplerProxy.class))
                .map(c -> codeSource(c).toString())
                .distinct().collect(Collectors.joining(";"));
        JMeterUtils.setProperty("search_paths", ours);
        SaveService.loadProperties();
    }

    private static Path codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<MenuInfo>> jmeterMenus() throws Exception {
        Method m = MenuFactory.class.getDeclaredMethod("getMenuMap");
        m.setAccessible(true);
        return (Map<String, List<MenuInfo>>) m.invoke(null);
    }

    @Test
    void jmetersMenuFactoryListsEachElementInItsCategoryAndNowhereElse() throws Exception {
        Map<String, List<MenuInfo>> menus = jmeterMenus();
        for (Map.Entry<Class<? extends TestBean>, String> e : ELEMENTS.entrySet()) {
            String className = e.getKey().getName();
            List<String> where = new ArrayList<>();
            menus.forEach((category, items) -> {
                if (items.stream().anyMatch(i -> className.equals(i.getClassName()))) {
                    where.add(category);
                }
            });
            assertThat(where).as("the Add menus listing %s", className).containsExactly(e.getValue());
        }
        // JMeter's own elements are in the same scan's menus: the test saw a real, full scan
        assertThat(menus.get(MenuFactory.TIMERS)).extracting(MenuInfo::getLabel)
                .contains("Constant RPS Timer (InferenceBench)");
    }

    @Test
    void everyElementCarriesOneNamingConventionAndTheGuiAssignsItOneCategory() {
        for (Class<? extends TestBean> c : ELEMENTS.keySet()) {
            TestBeanGUI gui = new TestBeanGUI(c);
            assertThat(gui.getStaticLabel()).as(c.getName()).endsWith(" (InferenceBench)");
            assertThat(gui.getMenuCategories()).as(c.getName()).containsExactly(ELEMENTS.get(c));
        }
    }

    @Test
    void everyFieldIsGroupedLabelledExplainedAndHasADefault() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Class<? extends TestBean> c : ELEMENTS.keySet()) {
            BeanInfo info = Introspector.getBeanInfo(c);
            ResourceBundle texts = ResourceBundle.getBundle(c.getName() + "Resources", Locale.ENGLISH);
            for (PropertyDescriptor p : info.getPropertyDescriptors()) {
                if (p.isHidden() || p.getWriteMethod() == null) {
                    continue;
                }
                String where = c.getSimpleName() + "." + p.getName();
                if (p.getValue(GenericTestBeanCustomizer.GROUP) == null) {
                    problems.add(where + " is in no group");
                }
                if (!texts.containsKey(p.getName() + ".displayName")) {
                    problems.add(where + " has no label");
                }
                if (!texts.containsKey(p.getName() + ".shortDescription")) {
                    problems.add(where + " has no tooltip");
                }
                if (p.getValue(BeanInfoSupport.DEFAULT) == null) {
                    problems.add(where + " has no default");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyElementOpensWithAHelpLinkWhosePageExplainsEveryField() throws Exception {
        for (Class<? extends TestBean> c : ELEMENTS.keySet()) {
            BeanInfo info = Introspector.getBeanInfo(c);
            ResourceBundle texts = ResourceBundle.getBundle(c.getName() + "Resources", Locale.ENGLISH);
            PropertyDescriptor help = java.util.Arrays.stream(info.getPropertyDescriptors())
                    .filter(p -> p.getName().equals(io.inferencebench.gui.ElementHelp.PROPERTY)).findFirst().orElseThrow();
            assertThat(help.getPropertyEditorClass()).as(c.getName()).isEqualTo(io.inferencebench.gui.HelpLinkEditor.class);
            // the link's group comes first on the panel
            Object aboutOrder = info.getBeanDescriptor().getValue(GenericTestBeanCustomizer.ORDER("about"));
            assertThat(help.getValue(GenericTestBeanCustomizer.GROUP)).isEqualTo("about");
            for (PropertyDescriptor p : info.getPropertyDescriptors()) {
                Object group = p.getValue(GenericTestBeanCustomizer.GROUP);
                if (group != null && !group.equals("about")) {
                    assertThat((Integer) info.getBeanDescriptor().getValue(GenericTestBeanCustomizer.ORDER((String) group)))
                            .as(c.getSimpleName() + " group " + group).isGreaterThan((Integer) aboutOrder);
                }
            }
            String page = io.inferencebench.gui.ElementHelp.page(c);
            assertThat(texts.getString("help.page")).as(c.getSimpleName()).hasSizeGreaterThan(80);
            assertThat(page).contains(escape(texts.getString("help.page"))).contains(texts.getString("help.guide"));
            assertThat(Path.of(System.getProperty("user.dir")).getParent().resolve(texts.getString("help.guide")))
                    .as("the guide %s named by %s's help", texts.getString("help.guide"), c.getSimpleName()).exists();
            for (PropertyDescriptor p : info.getPropertyDescriptors()) {
                if (p.isHidden() || p.getWriteMethod() == null || p.getName().equals("help")) {
                    continue;
                }
                assertThat(page).as(c.getSimpleName() + "." + p.getName())
                        .contains(escape(texts.getString(p.getName() + ".displayName")))
                        .contains(escape(texts.getString(p.getName() + ".shortDescription")));
            }
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @org.junit.jupiter.api.io.TempDir
    Path tmp;

    @Test
    void eachElementSurvivesASaveAndLoadOfAPlanWithItsDefaults() throws Exception {
        for (Class<? extends TestBean> c : ELEMENTS.keySet()) {
            TestBeanGUI gui = new TestBeanGUI(c);
            TestElement element = gui.createTestElement();
            element.setName("my " + c.getSimpleName());
            HashTree tree = new ListedHashTree();
            tree.add(element);
            Path jmx = tmp.resolve(c.getSimpleName() + ".jmx");
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(jmx)) {
                SaveService.saveTree(tree, out);
            }
            assertThat(java.nio.file.Files.readString(jmx)).as("the help link is never saved")
                    .doesNotContain("name=\"help\"");
            HashTree loaded = SaveService.loadTree(jmx.toFile());
            TestElement back = (TestElement) loaded.getArray()[0];
            assertThat(back.getClass()).isEqualTo(c);
            assertThat(back.getName()).isEqualTo("my " + c.getSimpleName());
            for (JMeterProperty p : iterable(element)) {
                assertThat(back.getPropertyAsString(p.getName())).as(c.getSimpleName() + "." + p.getName())
                        .isEqualTo(p.getStringValue());
            }
            // and the loaded element runs as it is: JMeter fills the bean fields from the saved properties
            TestBeanHelper.prepare(back);
        }
    }

    /**
     * A plan may leave a field out (one written by hand or by an older version): JMeter then hands a
     * number field 0 and a text field "", so each element must run as if the field had its default.
     */
    @Test
    void aPlanThatLeavesAFieldOutRunsWithThatFieldsDefault() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Class<? extends TestBean> c : ELEMENTS.keySet()) {
            TestElement bare = (TestElement) c.getDeclaredConstructor().newInstance();
            bare.setProperty(TestElement.TEST_CLASS, c.getName());
            TestBeanHelper.prepare(bare);
            TestElement full = new TestBeanGUI(c).createTestElement();
            TestBeanHelper.prepare(full);
            for (PropertyDescriptor p : Introspector.getBeanInfo(c).getPropertyDescriptors()) {
                if (p.isHidden() || p.getWriteMethod() == null || p.getReadMethod() == null || p.getName().equals("help")) {
                    continue;
                }
                Object left = p.getReadMethod().invoke(bare);
                Object given = p.getReadMethod().invoke(full);
                if (!java.util.Objects.equals(String.valueOf(left), String.valueOf(given))) {
                    problems.add(c.getSimpleName() + "." + p.getName() + " left out reads " + left + ", its default " + given);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private static Iterable<JMeterProperty> iterable(TestElement element) {
        List<JMeterProperty> all = new ArrayList<>();
        element.propertyIterator().forEachRemaining(all::add);
        return all;
    }
}
