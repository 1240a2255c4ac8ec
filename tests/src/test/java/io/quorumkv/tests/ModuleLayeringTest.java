package io.quorumkv.tests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins the allowed dependencies between our modules, so the layering stays visible and acyclic:
 * storage knows nothing above it, each engine knows only the storage SPI, the client side (driver,
 * shell) knows nothing of the server side.
 */
class ModuleLayeringTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.quorumkv");
  }

  private static final String[] ABOVE_STORAGE = {
    "io.quorumkv.placement..",
    "io.quorumkv.replication..",
    "io.quorumkv.parser..",
    "io.quorumkv.planner..",
    "io.quorumkv.executor..",
    "io.quorumkv.server..",
    "io.quorumkv.jdbc..",
    "io.quorumkv.sqlwire..",
    "io.quorumkv.shell..",
    "io.quorumkv.bench..",
  };

  @Test
  void storageDependsOnNoOtherModuleOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("io.quorumkv.storage..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ABOVE_STORAGE)
        .check(classes);
  }

  @Test
  void placementDependsOnNoOtherModuleOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("io.quorumkv.placement..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.quorumkv.storage..",
            "io.quorumkv.replication..",
            "io.quorumkv.parser..",
            "io.quorumkv.planner..",
            "io.quorumkv.executor..",
            "io.quorumkv.server..",
            "io.quorumkv.jdbc..",
            "io.quorumkv.sqlwire..",
            "io.quorumkv.shell..",
            "io.quorumkv.bench..")
        .check(classes);
  }

  @Test
  void storageApiDependsOnNoEngine() {
    noClasses()
        .that()
        .resideInAnyPackage("io.quorumkv.storage", "io.quorumkv.storage.group")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.quorumkv.storage.memory..",
            "io.quorumkv.storage.bitcask..",
            "io.quorumkv.storage.rocksdb..",
            "io.quorumkv.storage.cache..",
            "io.quorumkv.storage.testkit..")
        .check(classes);
  }

  @Test
  void enginesDoNotDependOnEachOther() {
    slices()
        .matching("io.quorumkv.storage.(memory|bitcask|rocksdb|cache)..")
        .should()
        .notDependOnEachOther()
        .check(classes);
  }

  @Test
  void onlyTheLsmEngineTouchesRocksDb() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.quorumkv.storage.rocksdb..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.rocksdb..")
        .check(classes);
  }

  @Test
  void replicationKnowsNothingOfSqlOrClients() {
    noClasses()
        .that()
        .resideInAPackage("io.quorumkv.replication..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.quorumkv.parser..",
            "io.quorumkv.planner..",
            "io.quorumkv.executor..",
            "io.quorumkv.server..",
            "io.quorumkv.jdbc..",
            "io.quorumkv.shell..",
            "io.quorumkv.storage.memory..",
            "io.quorumkv.storage.bitcask..",
            "io.quorumkv.storage.rocksdb..")
        .check(classes);
  }

  @Test
  void sqlFrontEndLayersPointDownward() {
    noClasses()
        .that()
        .resideInAPackage("io.quorumkv.parser..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.quorumkv.planner..", "io.quorumkv.executor..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("io.quorumkv.planner..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.quorumkv.executor..", "io.quorumkv.replication..")
        .check(classes);
  }

  @Test
  void clientSideKnowsNothingOfTheServerSide() {
    noClasses()
        .that()
        .resideInAnyPackage("io.quorumkv.jdbc..", "io.quorumkv.shell..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.quorumkv.storage..",
            "io.quorumkv.replication..",
            "io.quorumkv.planner..",
            "io.quorumkv.executor..",
            "io.quorumkv.server..")
        .check(classes);
  }

  @Test
  void theSqlWireFormatDependsOnNoOtherModuleOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("io.quorumkv.sqlwire..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("io.quorumkv.sqlwire..", "java..", "org.apache.calcite.avatica..")
        .check(classes);
  }

  @Test
  void noCyclesBetweenTopLevelPackages() {
    slices().matching("io.quorumkv.(*)..").should().beFreeOfCycles().check(classes);
  }
}
