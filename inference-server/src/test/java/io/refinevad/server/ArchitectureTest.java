package io.refinevad.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** How the server's code is arranged, checked on its compiled classes. */
class ArchitectureTest {
    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.refinevad.server");

    /** Packages depend on each other in one direction only, so each can be read and changed alone. */
    @Test
    void theServersPackagesHaveNoCycles() {
        slices().matching("io.refinevad.server.(*)..").should().beFreeOfCycles().check(SERVER);
    }

    /** One error vocabulary: the same failure reads the same on every RPC. */
    @Test
    void onlyGrpcErrorsBuildsStatusExceptions() {
        noClasses().that().resideOutsideOfPackage("io.refinevad.server.errors")
                .should().callMethod(Status.class, "asRuntimeException")
                .orShould().callMethod(Status.class, "asException")
                .check(SERVER);
    }
}
