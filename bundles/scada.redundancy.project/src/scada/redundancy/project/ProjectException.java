package scada.redundancy.project;

import java.util.List;
import java.util.stream.Collectors;

/** A project that cannot be run, with every problem found in it. */
public final class ProjectException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<ProjectProblem> problems;

    public ProjectException(String directory, List<ProjectProblem> problems) {
        super("project " + directory + " has " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + ":\n  " + problems.stream().map(ProjectProblem::toString).collect(Collectors.joining("\n  ")));
        this.problems = List.copyOf(problems);
    }

    public List<ProjectProblem> problems() {
        return problems;
    }
}
