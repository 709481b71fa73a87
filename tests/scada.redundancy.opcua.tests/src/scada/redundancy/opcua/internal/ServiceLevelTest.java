package scada.redundancy.opcua.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.Test;

import scada.redundancy.runtime.Role;

/**
 * The ServiceLevel algorithm over every combination of its inputs (role x health 0..100 x data
 * freshness x primary in sight x starting x maintenance): each lands in the Part 4 sub-range its
 * situation belongs to, every primary ranks above every backup, and within a band more health
 * never ranks lower.
 */
public class ServiceLevelTest {

    private static List<ServiceLevel.Inputs> everyCombination() {
        List<ServiceLevel.Inputs> all = new ArrayList<>();
        for (boolean maintenance : new boolean[] { false, true }) {
            for (boolean starting : new boolean[] { false, true }) {
                for (Role role : Role.values()) {
                    for (int health = 0; health <= 100; health++) {
                        for (boolean primaryInSight : new boolean[] { false, true }) {
                            for (DataFreshness f : DataFreshness.values()) {
                                all.add(new ServiceLevel.Inputs(maintenance, starting, role, health, primaryInSight, f));
                            }
                        }
                    }
                }
            }
        }
        return all;
    }

    @Test
    public void everyCombinationLandsInItsSubRange() {
        int checked = 0;
        for (ServiceLevel.Inputs in : everyCombination()) {
            int level = ServiceLevel.of(in);
            String expected;
            boolean servesPlant = in.role() == Role.PRIMARY || in.role() == Role.STANDALONE;
            if (in.maintenance()) {
                expected = "Maintenance";
            } else if (in.starting() || servesPlant && in.freshness() == DataFreshness.NONE) {
                expected = "NoData";
            } else if (servesPlant && in.health() >= 50
                    && (in.freshness() == DataFreshness.FRESH || in.freshness() == DataFreshness.NOT_TRACKED)) {
                expected = "Healthy";
            } else {
                expected = "Degraded";
            }
            assertEquals(in + " -> " + level, expected, ServiceLevel.subRange(level));
            assertTrue(in + " -> " + level, level >= 0 && level <= 255);
            checked++;
        }
        assertEquals(2 * 2 * Role.values().length * 101 * 2 * DataFreshness.values().length, checked);
    }

    @Test
    public void aHealthyPrimaryWithFreshDataIsHealthyAndAHealthyBackupDegraded() {
        assertEquals(250, ServiceLevel.of(in(Role.PRIMARY, 100, true, DataFreshness.FRESH)));
        assertEquals(250, ServiceLevel.of(in(Role.STANDALONE, 100, false, DataFreshness.NOT_TRACKED)));
        assertEquals(150, ServiceLevel.of(in(Role.BACKUP, 100, true, DataFreshness.NOT_TRACKED)));
        assertEquals("a backup that hears no primary ranks lower", 125,
                ServiceLevel.of(in(Role.BACKUP, 100, false, DataFreshness.NOT_TRACKED)));
    }

    @Test
    public void everyPrimaryThatHasDataRanksAboveEveryBackup() {
        int lowestPrimary = 255;
        int highestBackup = 0;
        for (ServiceLevel.Inputs in : everyCombination()) {
            if (in.maintenance() || in.starting()) {
                continue;
            }
            int level = ServiceLevel.of(in);
            if ((in.role() == Role.PRIMARY || in.role() == Role.STANDALONE) && in.freshness() != DataFreshness.NONE) {
                lowestPrimary = Math.min(lowestPrimary, level);
            } else if (in.role() == Role.BACKUP || in.role() == Role.FAULT) {
                highestBackup = Math.max(highestBackup, level);
            }
        }
        assertTrue("lowest primary " + lowestPrimary + " > highest backup " + highestBackup, lowestPrimary > highestBackup);
    }

    @Test
    public void moreHealthNeverRanksLowerAndAnUnhealthyBackupRanksBelowEveryHealthyOne() {
        for (Role role : Role.values()) {
            for (DataFreshness f : DataFreshness.values()) {
                for (boolean sight : new boolean[] { false, true }) {
                    int previous = -1;
                    for (int health = 0; health <= 100; health++) {
                        int level = ServiceLevel.of(new ServiceLevel.Inputs(false, false, role, health, sight, f));
                        assertTrue(role + " " + f + " health " + health + ": " + level + " < " + previous, level >= previous);
                        previous = level;
                    }
                }
            }
        }
        int unhealthyBest = ServiceLevel.of(in(Role.BACKUP, 49, true, DataFreshness.FRESH));
        int faultBest = ServiceLevel.of(in(Role.FAULT, 100, true, DataFreshness.FRESH));
        int healthyWorst = ServiceLevel.of(in(Role.BACKUP, 50, false, DataFreshness.NONE));
        assertTrue(unhealthyBest + " and " + faultBest + " < " + healthyWorst,
                unhealthyBest < healthyWorst && faultBest < healthyWorst);
    }

    @Test
    public void maintenanceWinsOverEverythingAndStartingMeansNoData() {
        assertEquals(0, ServiceLevel.of(new ServiceLevel.Inputs(true, false, Role.PRIMARY, 100, false, DataFreshness.FRESH)));
        assertEquals(0, ServiceLevel.of(new ServiceLevel.Inputs(true, true, Role.BACKUP, 100, true, DataFreshness.FRESH)));
        assertEquals(1, ServiceLevel.of(new ServiceLevel.Inputs(false, true, Role.BACKUP, 100, true, DataFreshness.FRESH)));
        assertEquals("a primary without any fresh data has no data to offer", 1,
                ServiceLevel.of(in(Role.PRIMARY, 100, false, DataFreshness.NONE)));
    }

    private static ServiceLevel.Inputs in(Role role, int health, boolean primaryInSight, DataFreshness freshness) {
        return new ServiceLevel.Inputs(false, false, role, health, primaryInSight, freshness);
    }
}
