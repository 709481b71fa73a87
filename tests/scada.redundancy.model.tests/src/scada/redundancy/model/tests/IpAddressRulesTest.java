package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static scada.redundancy.model.ConfigField.PARTNER_IP_ADDRESS;
import static scada.redundancy.model.tests.Configs.*;

import java.net.InetAddress;
import java.util.List;

import org.junit.Test;

import scada.redundancy.model.IpAddresses;
import scada.redundancy.model.Partner;
import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.Severity;
import scada.redundancy.model.ValidationContext;

/** IP Address: an IPv4 or IPv6 literal of one server, never a host name, never a duplicate or this server. */
public class IpAddressRulesTest {

    private static RedundancyConfiguration ip(String address) {
        return withPartner(partner().withIpAddress(address));
    }

    private static void accepted(String address) {
        clean(ip(address), PARTNER_IP_ADDRESS, 0);
        assertTrue(address, IpAddresses.parse(address).isPresent());
    }

    private static Problem refused(String address) {
        Problem p = error(ip(address), PARTNER_IP_ADDRESS, 0);
        assertMentions(p.message(), address);
        return p;
    }

    @Test
    public void validIpv4IsAccepted() {
        accepted("192.168.1.11");
        accepted("10.0.0.1");
        accepted("127.0.0.1");
        accepted("1.2.3.4");
    }

    @Test
    public void validIpv6IsAccepted() {
        accepted("fd00::11");
        accepted("::1");
        accepted("FD00::11");
        accepted("2001:db8:0:0:0:0:0:1");
    }

    @Test
    public void ipv6WithAZoneIsAccepted() {
        accepted("fe80::1%eth0");
        assertEquals(IpAddresses.parse("fe80::1"), IpAddresses.parse("fe80::1%eth0"));
    }

    @Test
    public void ipv4WithAnOctetAbove255IsRefused() {
        refused("192.168.1.256");
    }

    @Test
    public void ipv4WithLeadingZerosIsRefusedBecauseItIsAmbiguous() {
        // 011 is 9 in octal to some tools and 11 to others
        refused("192.168.001.011");
    }

    @Test
    public void incompleteOrNonsenseAddressesAreRefused() {
        refused("1.2.3");
        refused("abc");
        refused("1.2.3.4.5");
        refused("fd00:::11");
        refused("1:2");
        refused("192.168.1.11:8000");
    }

    @Test
    public void hostNamesAreRefusedOnPurposeWithoutAskingDns() {
        Problem p = refused("scada-b.local");
        assertTrue("the fix explains why names are refused: " + p.howToFix(), p.howToFix().contains("DNS"));
        refused("localhost");
    }

    @Test
    public void anEmptyAddressIsAnError() {
        error(ip(""), PARTNER_IP_ADDRESS, 0);
        error(ip("   "), PARTNER_IP_ADDRESS, 0);
    }

    @Test
    public void wildcardAddressesAreRefused() {
        refused("0.0.0.0");
        refused("::");
    }

    @Test
    public void broadcastIsRefused() {
        refused("255.255.255.255");
    }

    @Test
    public void multicastIsRefused() {
        refused("224.0.0.1");
        refused("ff02::1");
    }

    @Test
    public void thisNetworkZeroSlashEightIsRefused() {
        for (String address : List.of("0.0.0.2", "0.1.2.3", "0.255.255.255", "::ffff:0.0.0.2")) {
            assertMentions(refused(address).message(), "0.0.0.0/8");
        }
    }

    @Test
    public void reservedTwoFortySlashFourIsRefused() {
        for (String address : List.of("240.0.0.1", "250.1.2.3", "255.255.255.254", "::ffff:240.0.0.1")) {
            assertMentions(refused(address).message(), "240.0.0.0/4");
        }
    }

    @Test
    public void everyMulticastRangeIsRefusedAsMulticast() {
        for (String address : List.of("224.0.0.0", "239.255.255.255", "ff00::", "ff0e::1", "FF05::1:3")) {
            assertMentions(refused(address).message(), "multicast");
        }
    }

    @Test
    public void eachRefusedRangeSaysWhatItIsAndHowToFixIt() {
        assertMentions(refused("0.0.0.0").message(), "unspecified");
        assertMentions(refused("::").message(), "unspecified");
        assertMentions(refused("255.255.255.255").message(), "broadcast");
        Problem p = refused("240.0.0.1");
        assertEquals("partners[0].ipAddress", p.path());
        assertMentions(p.howToFix(), "address of the partner server");
    }

    @Test
    public void theNeighboursOfTheRefusedRangesAreAccepted() {
        accepted("1.0.0.0");
        accepted("223.255.255.255");
        accepted("fe80::1");
        accepted("feff::1");
        accepted("::2");
    }

    @Test
    public void loopbackStaysAcceptedForServersOnOneMachine() {
        accepted("127.0.0.1");
        accepted("127.0.0.2");
        accepted("127.255.255.254");
        accepted("::1");
    }

    @Test
    public void twoPartnersOnTheSameAddressAndPortAreAnError() {
        RedundancyConfiguration c = valid().withPartnerAdded(1,
                Partner.defaults(2, "SCADA-C", "192.168.1.11", 8000));
        clean(c, PARTNER_IP_ADDRESS, 0);
        Problem p = error(c, PARTNER_IP_ADDRESS, 1);
        assertMentions(p.message(), "192.168.1.11");
        assertMentions(p.message(), "row 1");
    }

    @Test
    public void theSameAddressWrittenDifferentlyIsStillADuplicate() {
        RedundancyConfiguration c = valid().withPartners(List.of(
                Partner.defaults(1, "SCADA-B", "::1", 8000),
                Partner.defaults(2, "SCADA-C", "0:0:0:0:0:0:0:1", 8000)));
        clean(c, PARTNER_IP_ADDRESS, 0);
        error(c, PARTNER_IP_ADDRESS, 1);
    }

    @Test
    public void differentAddressesAreNoDuplicate() {
        RedundancyConfiguration c = valid().withPartnerAdded(1,
                Partner.defaults(2, "SCADA-C", "192.168.1.12", 8000));
        noProblems(c);
    }

    @Test
    public void aPartnerPointingAtThisServerIsAnErrorWhenTheServerIsBoundToThatAddress() throws Exception {
        ValidationContext bound = ValidationContext.boundTo(InetAddress.getByName("192.168.1.11"));
        Problem p = problem(valid(), bound, PARTNER_IP_ADDRESS, 0, Severity.ERROR);
        assertMentions(p.message(), "192.168.1.11:8000");
    }

    @Test
    public void aPartnerPointingAtThisServerIsFoundAlsoForIpv6WrittenDifferently() throws Exception {
        ValidationContext bound = ValidationContext.boundTo(InetAddress.getByName("0:0:0:0:0:0:0:1"));
        problem(ip("::1"), bound, PARTNER_IP_ADDRESS, 0, Severity.ERROR);
    }

    @Test
    public void aPartnerAtAnotherAddressOfABoundServerPasses() throws Exception {
        clean(valid(), ValidationContext.boundTo(InetAddress.getByName("192.168.1.10")), PARTNER_IP_ADDRESS, 0);
    }

    @Test
    public void aPartnerAtTheServersAddressButAnotherPortIsNotThisServer() throws Exception {
        ValidationContext bound = ValidationContext.boundTo(InetAddress.getByName("192.168.1.11"));
        RedundancyConfiguration c = withPartner(partner().withPort(8001));
        clean(c, bound, PARTNER_IP_ADDRESS, 0);
    }

    @Test
    public void withoutKnowingTheHostNoPartnerIsTakenForThisServer() {
        clean(ip("127.0.0.1"), ValidationContext.unknownHost(), PARTNER_IP_ADDRESS, 0);
        clean(ip("192.168.1.11"), PARTNER_IP_ADDRESS, 0);
    }

    @Test
    public void anIpv4MappedIpv6AddressIsADuplicateOfTheIpv4Address() {
        RedundancyConfiguration c = valid().withPartnerAdded(1,
                Partner.defaults(2, "SCADA-C", "::ffff:192.168.1.11", 8000));
        error(c, PARTNER_IP_ADDRESS, 1);
    }

    @Test
    public void textOfLiteralCharactersThatIsNoLiteralIsRefused() {
        // made of the characters of an IPv6 literal, but not starting like one
        refused(".:1");
        refused(".::1");
        refused("..:");
        refused(":");
        refused("fe80::1%");
    }

    @Test
    public void parsingNeverReturnsAnAddressForTextThatIsNotALiteral() {
        assertFalse(IpAddresses.parse(null).isPresent());
        assertFalse(IpAddresses.parse("").isPresent());
        assertFalse(IpAddresses.parse("example.com").isPresent());
    }
}
