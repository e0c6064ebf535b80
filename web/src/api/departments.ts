import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { departmentListSchema, departmentViewSchema } from "../../../src/http/responses.js";
import { api } from "./client.js";

/** A department and how many servers name it, as `GET /api/v1/departments` answers. */
export type Department = z.infer<typeof departmentViewSchema>;
type DepartmentList = z.infer<typeof departmentListSchema>;

export const departmentsKey = ["departments"] as const;

export function fetchDepartments(signal?: AbortSignal): Promise<Department[]> {
  return api<DepartmentList>("GET", "/departments", { signal }).then((r) => r.items);
}

export const createDepartment = (name: string) => api<Department>("POST", "/departments", { body: { name } });
export const renameDepartment = (id: number, name: string) =>
  api<Department>("PATCH", `/departments/${id}`, { body: { name } });
export const deleteDepartment = (id: number) => api<void>("DELETE", `/departments/${id}`);

export function useDepartments() {
  return useQuery({ queryKey: departmentsKey, queryFn: ({ signal }) => fetchDepartments(signal) });
}

/** Create, rename and delete refresh the list (and its server counts) once they succeed. */
function useDepartmentMutation<Input, Output>(mutationFn: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: departmentsKey }),
  });
}

export const useCreateDepartment = () => useDepartmentMutation((name: string) => createDepartment(name));
export const useRenameDepartment = () =>
  useDepartmentMutation((input: { id: number; name: string }) => renameDepartment(input.id, input.name));
export const useDeleteDepartment = () => useDepartmentMutation((id: number) => deleteDepartment(id));
