package scada.redundancy.model.tests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;

public class RoundTripTest {

    @Test
    public void aConfigurationSurvivesSaveAndLoadAndSavesToTheSameBytes() throws Exception {
        RedundancyConfiguration config = new RedundancyConfiguration(
                new LocalServer("SCADA-A", 8000, true, true, "history", "main server", Failback.AUTOMATIC, 2500),
                List.of(Partner.defaults(1, "SCADA-B", "192.168.1.11", 8000),
                        new Partner(2, "SCADA-C", "fd00::12", 8000, 100, 300, 5, false, "lab \u00fc\"", "")));
        byte[] bytes = ConfigurationFile.toBytes(config);
        RedundancyConfiguration back = ConfigurationFile.parse(bytes, "test").configuration();
        assertEquals(config, back);
        assertArrayEquals(bytes, ConfigurationFile.toBytes(back));
    }
}
